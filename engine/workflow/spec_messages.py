"""Every problem a deploy can find in a bundle, by message code (see engine/messages.py for how codes
work): the deploy page shows them in the reader's language, the API answers them per `file:element`
with their codes, the CLI prints the English.

What stays in the words it came in: quoted model text (expressions, names, ids), and the findings
of the libraries underneath — the XML parsers, the XSD validator, SpiffWorkflow's own parser and the
sandbox's compiler — passed as a `{reason}`, `{error}` or `{message}` parameter.
"""

from __future__ import annotations

from forms.messages import code

# --- files and XML --------------------------------------------------------------------------------
BUNDLE_WITHOUT_FILES = code("model.bundle_without_files", "the bundle is empty: give at least one .bpmn file")
FILE_UNKNOWN_TYPE = code("model.file_unknown_type", "unknown file type: a bundle holds .bpmn and .dmn models, "
                         ".json forms and .zip archives of them")
FILE_NOT_BYTES = code("model.file_not_bytes", "the file content must be bytes")
FILE_TOO_LARGE = code("model.file_too_large", "the file is {size} bytes; the limit is {limit} bytes")
FILE_EMPTY = code("model.file_empty", "the file is empty")
FILE_NOT_UTF8 = code("model.file_not_utf8", "the file is not UTF-8 text (invalid byte at line {line})")
XML_ENCODING = code("model.xml_encoding", "the XML declaration names encoding '{encoding}'; only UTF-8 is accepted")
XML_DOCTYPE = code("model.xml_doctype",
                   "DOCTYPE declarations are not allowed (a DTD can define entities or load files)")
XML_ENTITY = code("model.xml_entity", "entity declarations are not allowed (entity '{entity}')")
XML_EXTERNAL = code("model.xml_external", "external references are not allowed ({reference})")
XML_MALFORMED_AT = code("model.xml_malformed_at", "malformed XML at line {line}, column {column}: {reason}")
XML_MALFORMED = code("model.xml_malformed", "malformed XML at line {line}: {reason}")
XML_PROCESSING_INSTRUCTION = code("model.xml_processing_instruction",
                                  "processing instructions are not allowed (<?{target} ...?> at line {line})")
XML_XINCLUDE = code("model.xml_xinclude", "XInclude is not allowed (line {line})")
ROOT_NOT_BPMN = code("model.root_not_bpmn", "the root element '{tag}' is not BPMN 2.0 definitions")
ROOT_NOT_DMN = code("model.root_not_dmn", "the root element '{tag}' is not DMN 1.1, 1.2 or 1.3 definitions")
SCHEMA_ERROR = code("model.schema_error", "schema error at line {line}: {error}")
SPIFF_PROPERTY = code("model.spiff_property", "every spiffworkflow:property needs a name and a value")

# --- structure: ids, references, calls ------------------------------------------------------------
PROCESS_ID_REPEATED = code("model.process_id_repeated", "process id '{element}' is also defined in {file}")
DECISION_ID_REPEATED = code("model.decision_id_repeated", "decision id '{element}' is also defined in {file}")
DMN_ONE_DECISION = code("model.dmn_one_decision",
                        "a DMN file must hold exactly one decision (SpiffWorkflow reads one per file); found {count}")
DMN_NO_TABLE = code("model.dmn_no_table", "decision has no decisionTable")
CALL_WITHOUT_TARGET = code("model.call_without_target", "callActivity has no calledElement")
CALL_UNKNOWN = code("model.call_unknown", "callActivity calls process '{target}', which is not in the bundle")
CALL_RECURSES = code("model.call_recurses", "callActivity recurses ({loop}): calls without a bound grow the "
                     "task tree until SpiffWorkflow stops")
RULE_WITHOUT_DECISION = code("model.rule_without_decision", "businessRuleTask has no spiffworkflow:calledDecisionId")
RULE_UNKNOWN = code("model.rule_unknown", "businessRuleTask calls decision '{decision}', which is not the "
                    "decision of any DMN file of the bundle")
NO_EXECUTABLE_PROCESS = code("model.no_executable_process",
                             'the bundle has no executable process (isExecutable="true")')
PROCESS_NOT_IN_BUNDLE = code("model.process_not_in_bundle",
                             "no executable process '{process_id}' in the bundle (found {found})")
SPIFF_UNRESOLVED = code("model.spiff_unresolved", "SpiffWorkflow cannot resolve {names}")
SPIFF_FINDING = code("model.spiff_finding", "SpiffWorkflow: {message}")
SPIFF_FINDING_AT = code("model.spiff_finding_at", "SpiffWorkflow: {message} (line {line})")
SPIFF_CANNOT_PARSE = code("model.spiff_cannot_parse", "SpiffWorkflow could not parse this: {error}")

# --- our conventions: lanes, forms, phases, operators ---------------------------------------------
LANE_NOT_ROLE = code("model.lane_not_role",
                     "lane name '{name}' is not a role key: lanes name roles in snake_case, e.g. duty_officer")
USER_TASK_WITHOUT_SEAT = code("model.user_task_without_seat", "the task waits for a person but has no seat: put it "
                              "in a lane or give it candidateGroups (the lanes of a called process are its own)")
CANDIDATE_GROUP_NOT_ROLE = code("model.candidate_group_not_role",
                                "candidate group '{group}' is not a seat key: seats are snake_case, e.g. duty_officer")
# Warnings: the bundle deploys, and the deploy answer says what was assumed.
USER_TASK_CONFIRMATION = code("model.user_task_confirmation", "the task has no formKey: it gets the built-in "
                              "confirmation form ({form_key}: done and a comment)")
USER_TASK_FIRST_GROUP = code("model.user_task_first_group",
                             "the task names several candidate groups ({groups}): a task has one seat here, '{seat}'")
USER_TASK_UNKNOWN_FORM = code("model.user_task_unknown_form",
                              "userTask formKey '{form_key}' has no form schema (forms/schemas/{form_key}.json)")
SUBJECT_REFUSED = code("model.subject_refused", "subject '{subject}' is refused: {reason}")
PHASE_UNKNOWN = code("model.phase_unknown", "phase '{phase}' is not one of {phases}")
OPERATOR_NOT_KNOWN = code("model.operator_not_known",
                          "serviceTask calls operator '{name}', which is not a known operator (known: {known})")
OPERATOR_WITHOUT_ID = code("model.operator_without_id",
                           "serviceTask calls an operator without an id (known: {known})")

# --- sequence flows and data objects --------------------------------------------------------------
FLOW_END_OUTSIDE = code("model.flow_end_outside",
                        "{attribute} '{ref}' is not an element of the same process or subprocess")
LOOP_THROUGH_GATEWAY = code("model.loop_through_gateway",
                            "sequence flow leads from '{source}' back to '{target}' in a loop through the "
                            "{kind} '{gateway}': a loop into or out of parallel branches cannot run flat (the "
                            "gateway's join tells tokens of different passes apart by the tasks before them); "
                            "join the branches before the loop starts, or repeat the branches with loop "
                            "characteristics")
LOOP_THROUGH_BOUNDARY_EVENT = code("model.loop_through_boundary_event",
                                   "flow leads from '{source}' back to '{target}' in a loop through the boundary "
                                   "event '{event}': a loop that leaves an activity through its boundary event "
                                   "cannot run flat (a non-interrupting event's path back would run a second pass "
                                   "beside the first); send the work back with a gateway after the activity instead")
DATA_OBJECT_OUT_OF_REACH = code("model.data_object_out_of_reach",
                                "data object '{name}' is not declared in this task's process or subprocess, nor in "
                                "the one just around it (SpiffWorkflow cannot resolve it further out)")

# --- expressions and scripts ----------------------------------------------------------------------
EXPRESSION_REFUSED = code("model.expression_refused", "{what} {source} is refused: {reason}")
SCRIPT_TASK_EMPTY = code("model.script_task_empty", "scriptTask has no script")
REFUSED_TOO_LONG = code("model.refused_too_long", "longer than {limit} characters")
REFUSED_SYNTAX = code("model.refused_syntax", "syntax error: {error} (line {line})")
REFUSED_UNCOMPILABLE = code("model.refused_uncompilable", "cannot be compiled: {error}")
# What an expression is, in EXPRESSION_REFUSED's {what}.
CONDITION = code("model.what.condition", "condition")
PRE_SCRIPT = code("model.what.pre_script", "pre-script")
POST_SCRIPT = code("model.what.post_script", "post-script")
SCRIPT = code("model.what.script", "script")
MESSAGE_PAYLOAD = code("model.what.message_payload", "message payload")
CORRELATION_EXPRESSION = code("model.what.correlation_expression", "correlation expression")
CORRELATION_RETRIEVAL = code("model.what.correlation_retrieval", "correlation retrieval expression")
PAYLOAD_EXPRESSION = code("model.what.payload_expression", "payload expression")
EVENT_CONDITION = code("model.what.event_condition", "event condition")
LOOP_CARDINALITY = code("model.what.loop_cardinality", "loop cardinality")
COMPLETION_CONDITION = code("model.what.completion_condition", "completion condition")
LOOP_CONDITION = code("model.what.loop_condition", "loop condition")
PARAMETER = code("model.what.parameter", "parameter")
DMN_INPUT_EXPRESSION = code("model.what.dmn_input_expression", "DMN input expression")

# --- timers ---------------------------------------------------------------------------------------
TIMER_WITHOUT_KIND = code("model.timer_without_kind", "timer has no timeDate, timeDuration or timeCycle")
TIMER_EMPTY = code("model.timer_empty", "timer {kind} is empty")
TIMER_NEEDS_QUOTES = code("model.timer_needs_quotes", 'timer {kind} {source} must be a Python string literal: '
                          'write "{value}" with the quotes (timer expressions are evaluated)')
TIMER_REFUSED = code("model.timer_refused", "timer {kind} {source} is refused: {reason}")
TIMER_NOT_STRING = code("model.timer_not_string",
                        'timer {kind} {source} must give an ISO 8601 {what} string such as "PT30M"')
TIMER_NOT_ISO = code("model.timer_not_iso", "timer {kind} '{value}' is not a valid ISO 8601 {what}: {reason}")
DATE_TIME = code("model.what.date_time", "date-time")
DURATION = code("model.what.duration", "duration")
CYCLE = code("model.what.cycle", "cycle")
DURATION_STARTS_WITH_P = code("model.duration_starts_with_p", "a duration starts with P, e.g. PT30M")
DURATION_EMPTY = code("model.duration_empty", "the duration is empty")
DATE_TIME_EXPECTED = code("model.date_time_expected", "expected a date-time such as 2026-05-01T08:00:00+08:00")
DATE_TIME_ZONE = code("model.date_time_zone",
                      "give a time zone (Z or +08:00); without one the server's zone is used")
CYCLE_STARTS_WITH_R = code("model.cycle_starts_with_r", "a cycle starts with R, e.g. R3/PT10M")

# --- DMN decision tables --------------------------------------------------------------------------
DMN_INPUT_WITHOUT_EXPRESSION = code("model.dmn_input_without_expression",
                                    "DMN input has no inputExpression (SpiffWorkflow would fall back to the label)")
DMN_OUTPUT_REFUSED = code("model.dmn_output_refused", "rule {number} output {source} is refused: {reason}")
DMN_ENTRY_WITHOUT_TEXT = code("model.dmn_entry_without_text", "rule {number} has an input entry without <text>")
DMN_CELL_BLANK = code("model.dmn_cell_blank", "rule {number} cell is blank: write - to match anything")
DMN_CELL_TOO_LONG = code("model.dmn_cell_too_long", "rule {number} cell is too long")
DMN_CELL_NOT_COMPARISON = code("model.dmn_cell_not_comparison",
                               "rule {number} cell {cell} is neither a value nor a comparison: {error}")
DMN_CELL_GLUED = code("model.dmn_cell_glued",
                      "rule {number} cell {cell} becomes {expression}: start the cell with ? (e.g. ? {raw})")
DMN_CELL_REFUSED = code("model.dmn_cell_refused",
                        "rule {number} cell {cell} (evaluated as {expression}) is refused: {reason}")
