"""Every message the engine can say, by code: `raise Conflict(TASK_NOT_READY, task=task.title)`.

The code is stable (clients and the catalogs key on it); the English template is what the API and
the CLI print. A page shows the Chinese from api/pages/locale/zh/LC_MESSAGES/renxing.po, where
the code is the msgctxt and this template the msgid — so rewording a template here shows the
message in English, and fails tests/web/test_catalogs.py, until `pybabel extract && pybabel
update` has run and a translator confirmed the entry. Field messages shared with the forms (this
field is required, must be text, …) are `forms.messages.FIELD_*`. How to add one: README, "How it
is built".
"""

from __future__ import annotations

from forms.messages import code

# --- incidents -----------------------------------------------------------------------------------
INCIDENT_NOT_FOUND = code("incident.not_found", "no incident {incident}")
INCIDENT_REFERENCE_NOT_FOUND = code("incident.reference_not_found", "no incident '{reference}'")
INCIDENT_NOT_ACTIVE = code("incident.not_active", "incident {reference} is {status}, not active")
INCIDENT_COMMANDER_ONLY = code("incident.commander_only", "only the incident's commander can do this")
INCIDENT_START_FORBIDDEN = code("incident.start_forbidden", "only a duty officer or a commander can report an incident")
INCIDENT_CANNOT_START = code("incident.cannot_start", "the incident cannot be started")
INCIDENT_TITLE_REQUIRED = code("incident.title_required", "a title is required")
INCIDENT_UNIT_REQUIRED = code("incident.unit_required", "the governance unit (e.g. a residential compound) is required")
INCIDENT_VARIABLE_NAME = code("incident.variable_name",
                              "variable names are letters, digits and '_', starting with a letter")
INCIDENT_INVALID_OUTCOME = code("incident.invalid_outcome", "invalid outcome")
INCIDENT_OUTCOMES = code("incident.outcomes", "must be 'cancelled' or 'closed'")
# --- notifications: what a webhook or an e-mail says (in Chinese through the pages' catalog) ---
NOTIFY_TASK_ASSIGNED = code("notify.task_assigned", "New task: {task} ({incident} {incident_title})")
NOTIFY_TASK_ESCALATED = code("notify.task_escalated", "Escalated task: {task} ({incident} {incident_title})")
NOTIFY_TASK_OVERDUE = code("notify.task_overdue", "Task overdue: {task} ({incident} {incident_title})")
NOTIFY_TASK_CANCELLED = code("notify.task_cancelled", "Task cancelled: {task} ({incident} {incident_title})")
INCIDENT_ENDED_BY_PROCESS = code("incident.ended_by_process", "the process reached its end")
#: Titles the engine and the models make: stored in English, read back in the reader's language
#: (api.pages.i18n.Translator.stored matches the stored text against these templates).
TITLE_INCIDENT_AFTER_WARNING = code("title.incident_after_warning", "Incident after warning {warning}: {area}")
TITLE_PLAN_REVISION = code("title.plan_revision", "Plan revision: {action}")
TITLE_OVERDUE_SUPERVISION = code("title.overdue_supervision", "Overdue: {work}")
TITLE_IMPROVEMENT_ACTION = code("title.improvement_action", "Improvement action: {action}")
TITLE_REPLENISHMENT = code("title.replenishment", "Replenish {resource}")
INCIDENT_END_REASON = code("incident.end_reason", "say why the incident ends")
REASON_REQUIRED = code("reason.required", "a reason is required")
MESSAGE_INVALID_NAME = code("message.invalid_name", "invalid message name")
MESSAGE_NAME_FORMAT = code("message.name_format", "a message name such as 'response_over'")
MESSAGE_INVALID_PAYLOAD = code("message.invalid_payload", "invalid payload")
MESSAGE_PAYLOAD_NOT_VALID = code("message.payload_not_valid", "the payload of '{name}' is not valid")
MESSAGE_NOT_AWAITED = code("message.not_awaited", "the incident is not waiting for the message '{name}'")

# --- tasks ---------------------------------------------------------------------------------------
TASK_NOT_FOUND = code("task.not_found", "no task {task_id}")
TASK_SEAT_NOT_HELD = code("task.seat_not_held", "task '{task}' belongs to the seat '{role}', which you do not hold")
TASK_NOT_READY = code("task.not_ready", "task '{task}' is no longer ready")
TASK_NOT_READY_STATE = code("task.not_ready_state", "task '{task}' is no longer ready (it is {state})")
TASK_CLAIMED_BY_OTHER = code("task.claimed_by_other", "task '{task}' is claimed by someone else")
TASK_RELEASE_FORBIDDEN = code("task.release_forbidden",
                              "only the person who claimed the task, or the commander, can release it")
TASK_REASSIGN_FORBIDDEN = code("task.reassign_forbidden", "only the incident's commander can reassign its tasks")
TASK_FOUR_EYES = code("task.four_eyes", "'{task}' must be done by someone other than {username} (four-eyes rule)")
TASK_DATA_NOT_VALID = code("task.data_not_valid", "the data for '{task}' is not valid")
TASK_NOT_IN_INCIDENT = code("task.not_in_incident", "task {task_id} is not part of this incident")
TASK_NOT_HUMAN = code("task.not_human", "task {task_id} is not a human task")
TASK_NOT_HUMAN_FIELD = code("task.not_human_field", "not a human task")
TASK_ID_NOT_READY = code("task.id_not_ready", "task {task_id} is no longer ready (it is {state})")

# --- seats and users -----------------------------------------------------------------------------
SEAT_INVALID_ROLE = code("seat.invalid_role", "invalid role")
SEAT_ROLE_FORMAT = code("seat.role_format", "a snake_case role key such as 'duty_officer'")
SEAT_GRANT_FORBIDDEN = code("seat.grant_forbidden",
                            "only the incident's commander or an administrator can seat people on it")
SEAT_GLOBAL_ADMIN_ONLY = code("seat.global_admin_only", "only an administrator can give a seat for all incidents")
SEAT_REMOVE_FORBIDDEN = code("seat.remove_forbidden",
                             "only the incident's commander or an administrator can remove seats")
SEAT_ALREADY_HELD = code("seat.already_held", "{username} already holds the seat '{role}' there")
SEAT_NOT_HELD_THERE = code("seat.not_held_there", "{username} does not hold the seat '{role}' there")
SEAT_NOT_HELD = code("seat.not_held", "{username} does not hold the seat '{role}'")
SEAT_MUST_HOLD = code("seat.must_hold", "must hold the seat '{role}'")
ESCALATION_NO_OTHER_HOLDER = code("escalation.no_other_holder",
                                  "nobody else holds the seat '{role}' to take over '{task}'")
ESCALATION_NAME_SOMEONE = code("escalation.name_someone",
                               "name a holder of the seat '{role}', or choose another action")
ESCALATION_NO_TIER_ABOVE = code("escalation.no_tier_above", "there is no tier above '{seat}' to send '{task}' to")
ESCALATION_CHOOSE_ANOTHER = code("escalation.choose_another", "choose another action")
USER_NOT_FOUND = code("user.not_found", "no user '{username}'")
USER_ADD_ADMIN_ONLY = code("user.add_admin_only", "only an administrator can add users")
USER_PASSWORD_ADMIN_ONLY = code("user.password_admin_only", "only an administrator can set passwords")
USER_ACTIVE_ADMIN_ONLY = code("user.active_admin_only", "only an administrator can disable or enable users")
USER_INVALID_NAME = code("user.invalid_name", "invalid username")
USER_NAME_FORMAT = code("user.name_format", "2–64 letters, digits, '.', '_' or '-', starting with a letter or digit")
USER_EXISTS = code("user.exists", "user '{username}' already exists")
USER_NAME_TAKEN = code("user.name_taken", "already taken")
USER_INVALID_LANGUAGE = code("user.invalid_language", "invalid language")
USER_LANGUAGES = code("user.languages", "must be 'en' or 'zh'")
USER_INVALID_TIME_ZONE = code("user.invalid_time_zone", "invalid time zone")
USER_INVALID_EMAIL = code("user.invalid_email", "invalid e-mail address")
USER_EMAIL_FORMAT = code("user.email_format", "'{address}' is not an e-mail address")
PASSWORD_TOO_SHORT = code("password.too_short", "the password is too short")
PASSWORD_TOO_LONG = code("password.too_long", "the password is too long")
LOGIN_FAILED = code("login.failed", "incorrect username or password")
LOGIN_LOCKED = code("login.locked", "this account is locked after {attempts} failed logins; try again after {until}")

# --- attachments (photos and files on tasks) ------------------------------------------------------
ATTACHMENT_NOT_FOUND = code("attachment.not_found", "no attachment {attachment}")
ATTACHMENT_CHANGED = code("attachment.changed",
                          "the stored content of attachment {attachment} no longer matches its hash")
ATTACHMENT_INVALID = code("attachment.invalid", "invalid attachment")
ATTACHMENT_TOO_BIG = code("attachment.too_big", "the file is {size} bytes; at most {limit} bytes are accepted")
ATTACHMENT_WRONG_TYPE = code(
    "attachment.wrong_type",
    "this kind of file is not accepted (photos: JPEG, PNG, WebP, HEIC; documents: PDF, plain text)")
ATTACHMENT_EMPTY = code("attachment.empty", "the file is empty")
ATTACHMENT_WRONG_KIND = code("attachment.wrong_kind", "must be one of: scene, hazard, damage, other")

# --- decisions and the fault-tolerance review ------------------------------------------------------
DECISION_NOT_FOUND = code("decision.not_found", "no decision {decision_id}")
DECISION_NOT_IN_INCIDENT = code("decision.not_in_incident", "no such decision in this incident")
DECISION_UNKNOWN = code("decision.unknown", "unknown decision")
DECISION_COMMANDER_ONLY = code("decision.commander_only", "only the incident's on-scene commander can record decisions")
DECISION_NOT_VALID = code("decision.not_valid", "the decision cannot be recorded")
DECISION_OPTIONS_FORMAT = code("decision.options_format", "a list of non-empty texts")
DECISION_OPTIONS_LIMIT = code("decision.options_limit", "at most {limit} options")
DECISION_COMPLETES = code("decision.completes", "a {kind} must name the decision it completes")
DECISION_DEPARTS_FROM_PLAN = code("decision.departs_from_plan", "departs from the plan")
DECISION_FLAG_FORBIDDEN = code("decision.flag_forbidden",
                               "only the incident's commander or a reviewer can flag a decision for review")
DECISION_FLAG_REASON = code("decision.flag_reason", "say why the decision needs review")
DECISION_ALREADY_FLAGGED = code("decision.already_flagged", "decision {decision_id} is already flagged for review")
DECISION_NOT_FLAGGED = code("decision.not_flagged", "decision {decision_id} was not flagged for review")
DECISION_ALREADY_RULED = code("decision.already_ruled", "decision {decision_id} already has a ruling")
ORDERS_FORMAT = code("order.list_format", "a list of orders, each with a seat, an instruction and a due time")
ORDERS_LIMIT = code("order.limit", "at most {limit} orders with one decision")
ORDER_DUE_FORMAT = code("order.due_format", "a date and time with its time zone, e.g. 2026-11-28T15:30:00+08:00")
ORDER_DUE_PAST = code("order.due_past", "the due time must be later than now")
ORDERS_NOT_TAKEN = code("order.not_taken",
                        "this incident's process takes no orders (an older version); record the decision without them")
ORDER_WITH_A_DECISION = code("order.with_a_decision", "orders are given with a recorded on-scene decision")
WARNING_SEATS_ONLY = code("warning.seats_only",
                          "only a duty officer or the community commander receives warnings and their changes")
WARNING_NOT_VALID = code("warning.not_valid", "the warning cannot be received")
WARNING_EXPIRES_BEFORE_ISSUED = code("warning.expires_before_issued", "must be later than the time it was issued")
WARNING_ALREADY_EXPIRED = code("warning.already_expired", "this warning has already expired")
WARNING_NOT_A_WARNING = code("warning.not_a_warning", "{reference} is not a warning received from an issuer")
WARNING_CHANGE_NOT_VALID = code("warning.change_not_valid", "the warning's change cannot be made")
WARNING_LEVEL_NOT_HIGHER = code("warning.level_not_higher", "a raised level must be above the level in force ({level})")
WARNING_LEVEL_NOT_LOWER = code("warning.level_not_lower", "a lowered level must be below the level in force ({level})")
REVIEW_BY_MAKER = code("review.by_maker", "the reviewer of a decision cannot be the person who made it")
RULING_DEPARTS_WITHOUT_REASONS = code(
    "ruling.departs_without_reasons",
    "the answers propose '{proposed}' ({basis}); a ruling of '{ruling}' departs from it only with written reasons")
RULING_DEPARTURE_REASONS_FIELD = code("ruling.departure_reasons_field",
                                      "required: your ruling departs from the proposed '{proposed}'")
RULING_NEVER_EXCUSED = code("ruling.never_excused", "this decision can never be excused: {basis}")
RULING_NEVER_EXCUSED_FIELD = code("ruling.never_excused_field", "mitigated or accountable only")
RULING_MITIGATION_REQUIRED = code("ruling.mitigation_required", "a mitigated ruling says what it reduces")
RULING_CONCURRENCE_LEVEL = code("ruling.concurrence_level",
                                "a departure from the proposed ruling needs the concurrence of a {level} reviewer")

# --- registers: hazards, improvement actions, plans -------------------------------------------------
HAZARD_NOT_FOUND = code("hazard.not_found", "no hazard {hazard_id}")
HAZARD_NO_SUCH = code("hazard.no_such", "no such hazard")
HAZARD_FINDING_NOT_VALID = code("hazard.finding_not_valid", "finding {number}: {problem}")
SCHEDULE_ADMIN_ONLY = code("schedule.admin_only", "only an administrator can change the calendar")
SCHEDULE_NOT_VALID = code("schedule.not_valid", "this calendar entry is not valid")
SCHEDULE_DAY_FIELD = code("schedule.day_field", "a day from 1 to 28")
SCHEDULE_MONTH_FIELD = code("schedule.month_field", "a month from 1 to 12, for a yearly entry")
SCHEDULE_DRILL_TYPE_FIELD = code("schedule.drill_type_field",
                                 "a drill needs its type (tabletop or full-scale); other work none")
IMPROVEMENT_ACTION_NO_SUCH = code("improvement_action.no_such", "no such improvement action")
IMPROVEMENT_EVIDENCE_MISSING = code(
    "improvement_action.evidence_missing",
    "an improvement action is closed only with evidence: say what was done, or attach a photo or file to the task")
IMPROVEMENT_EVIDENCE_FIELD = code("improvement_action.evidence_field",
                                  "write the evidence here, or attach a photo or file to this task first")
IMPROVEMENT_SECTION_MISSING = code("improvement_action.section_missing",
                                   "this action revises the plan's section '{section}': write that section whole")
IMPROVEMENT_SECTION_FIELD = code("improvement_action.section_field", "the revised text of '{section}' is needed")
IMPROVEMENT_SELF_VERIFICATION = code(
    "improvement_action.self_verification",
    "an improvement action cannot be verified by the person who carried it out")
PLAN_VERSION_NOT_FOUND = code("plan.version_not_found", "the plan of '{unit}' has no version {version}")
PLAN_SELF_APPROVAL = code("plan.self_approval", "a plan cannot be approved by the person who drafted it")
RESOURCE_NOT_FOUND = code("resource.not_found", "no resource {resource_id} in the register")
RESOURCE_SHORT = code("resource.short",
                      "cannot draw {asked} {measure} of '{name}': only {available} available; nothing was drawn")
RESOURCE_SHORT_FIELD = code("resource.short_field", "at most {available}")
RESOURCE_NOT_VALID = code("resource.not_valid", "the resource cannot be registered: see the fields")
RESOURCE_MANAGERS_ONLY = code("resource.managers_only", "only logistics can change the resources register")
RESOURCE_UNKNOWN_FIELD = code("resource.unknown_field", "no such register number")
RESOURCE_RESERVE_SHORT = code("resource.reserve_short", "cannot reserve {asked} {measure} of '{name}': only "
                              "{available} available; nothing was reserved")
RESERVATION_NOT_FOUND = code("reservation.not_found", "no reservation {reservation_id}")
RESERVATION_RELEASE_MORE = code("reservation.release_more", "cannot release {asked} {measure} of '{name}': only "
                                "{held} still reserved; nothing was released")
RESERVATION_RELEASE_FIELD = code("reservation.release_field", "at most {held}")
VOLUNTEER_NOT_FOUND = code("volunteer.not_found", "no volunteer {volunteer_id} in the register")
VOLUNTEER_COORDINATORS_ONLY = code("volunteer.coordinators_only",
                                   "only the volunteer coordinator can change the volunteer register")
VOLUNTEER_NOT_AVAILABLE = code("volunteer.not_available", "{name} is not available (out with another incident, "
                               "or matched twice)")
VOLUNTEER_NOT_AVAILABLE_FIELD = code("volunteer.not_available_field", "not available now")
VOLUNTEER_NOT_VALID = code("volunteer.not_valid", "the volunteer cannot be registered: see the fields")

# --- operators (service tasks of a model) ----------------------------------------------------------
OPERATOR_UNKNOWN = code("operator.unknown", "the model calls an unknown operator '{name}'")
OPERATOR_UNKNOWN_FIELD = code("operator.unknown_field", "no operator '{name}'")
OPERATOR_TEXT = code("operator.text", "operator parameter '{name}' must be non-empty text")
OPERATOR_TEXT_FIELD = code("operator.text_field", "required text")
OPERATOR_TOO_LONG = code("operator.too_long", "operator parameter '{name}' is too long")
OPERATOR_CHOICE = code("operator.choice", "operator parameter '{name}' must be one of {choices}")
OPERATOR_CHOICE_FIELD = code("operator.choice_field", "one of {choices}")
OPERATOR_INTEGER = code("operator.integer", "operator parameter '{name}' must be a whole number from {low} to {high}")
OPERATOR_INTEGER_FIELD = code("operator.integer_field", "whole number {low}–{high}")
OPERATOR_ITEMS = code("operator.items", "operator parameter '{name}' must be a list of objects")
OPERATOR_ITEMS_FIELD = code("operator.items_field", "list of objects")
OPERATOR_TOO_MANY = code("operator.too_many", "operator parameter '{name}' has too many items")
OPERATOR_TOO_MANY_FIELD = code("operator.too_many_field", "at most {limit}")
OPERATOR_OBJECT = code("operator.object", "operator parameter '{name}' must be an object")
OPERATOR_OBJECT_FIELD = code("operator.object_field", "object")
COMMAND_SEAT = code("command.seat", "the command seat must be a *_commander seat")
COMMAND_SEAT_FIELD = code("command.seat_field", "'{seat}' is not a *_commander seat")

# --- definitions and deploying them --------------------------------------------------------------
DEFINITION_NOT_FOUND = code("definition.not_found", "no process definition '{process_id}'")
DEFINITION_VERSION_NOT_FOUND = code("definition.version_not_found",
                                    "no process definition '{process_id}' version {version}")
DEFINITION_ID_NOT_FOUND = code("definition.id_not_found", "no process definition {definition_id}")
DEFINITION_NOT_VALID = code("definition.not_valid", "the bundle is not valid: {problems}")
DEPLOY_ADMIN_ONLY = code("deploy.admin_only", "only an administrator can deploy process definitions")
BUNDLE_EMPTY = code("bundle.empty", "the bundle is empty")
BUNDLE_GIVE_A_MODEL = code("bundle.give_a_model", "give at least one .bpmn file")
BUNDLE_TOO_LARGE = code("bundle.too_large", "the bundle is too large")
BUNDLE_SIZE_LIMIT = code("bundle.size_limit", "at most {megabytes} MB in all")
BUNDLE_NO_SUCH_PATH = code("bundle.no_such_path", "no such file or folder: {path}")
BUNDLE_SAME_NAME = code("bundle.same_name", "two files are named {name}")

# --- the audit log (why a chain does not verify) -------------------------------------------------
AUDIT_EVENTS_MISSING = code("audit.events_missing",
                            "expected event #{expected} of the chain, found #{found} (events missing)")
AUDIT_PREVIOUS_HASH = code("audit.previous_hash", "its previous-hash does not match the event before it")
AUDIT_ROW_ALTERED = code("audit.row_altered", "its content does not match its hash (the row was altered)")
BUNDLE_RECORDS_ALTERED = code("audit.bundle_records_altered",
                              "the bundle's records do not match its digest (altered, or not a renxing archive)")
AUDIT_END_REMOVED = code("audit.end_removed",
                         "the chain ends at #{last} but its head records #{head} (events removed from the end)")

# --- the workflow and commands -------------------------------------------------------------------
WORKFLOW_FAILED = code("workflow.failed", "the workflow failed: {error}")
WORKFLOW_UNRESTORABLE = code("workflow.unrestorable", "the stored workflow cannot be restored: {error}")
WORKFLOW_OUTSIDE_COMMAND = code("workflow.outside_command", "service tasks can only run inside an engine command")
IDEMPOTENCY_KEY_REUSED = code("idempotency.key_reused",
                              "this Idempotency-Key was already used for a different request")
IDEMPOTENCY_NEW_KEY = code("idempotency.new_key", "use a new key for a new command")

# --- operations: upgrades, backups and restores ------------------------------------------------------------
DATABASE_NEWER = code("database.newer",
                      "the database was written by a newer release (schema revision {revision}): this release "
                      "cannot use it and will not downgrade it; run the newer release, or restore a backup "
                      "taken before the upgrade")
BACKUP_TARGET_EXISTS = code("backup.target_exists", "{path} already exists; name a new file")
BACKUP_IN_MEMORY = code("backup.in_memory", "an in-memory database cannot be backed up or restored")
BACKUP_TOOL_MISSING = code("backup.tool_missing",
                           "{tool} is not installed: PostgreSQL backups use pg_dump and pg_restore "
                           "(Debian: apt-get install postgresql-client)")
BACKUP_TOOL_FAILED = code("backup.tool_failed", "{tool} failed: {error}")
BACKUP_NOT_FOUND = code("backup.not_found", "no backup file {path}")
BACKUP_NOT_SQLITE = code("backup.not_sqlite", "{path} is not a SQLite database file (a backup of SQLite)")
# --- failed incidents: retries, variables set by hand, moving to a newer definition version ------
INCIDENT_NOTHING_TO_RETRY = code("incident.nothing_to_retry", "incident {reference} has no failure to retry")
INCIDENT_NOT_RUNNING = code("incident.not_running",
                            "incident {reference} is {status}: only a running or failed incident can change")
RETRY_REASON = code("incident.retry_reason", "say what was fixed before the retry")
VARIABLE_REASON = code("incident.variable_reason", "say why the variable is set")
VARIABLE_VALUE_TOO_LARGE = code("incident.variable_value_too_large",
                                "the value is too large ({size} characters of JSON; at most {limit})")
VARIABLE_VALUE_JSON = code("incident.variable_value_json", "the value must be JSON: text, a number, true/false, "
                           "null, a list or an object")
MIGRATION_ADMIN_ONLY = code("migration.admin_only",
                            "only an administrator can move an incident to another version of its process")
MIGRATION_NOT_NEWER = code("migration.not_newer",
                           "version {version} is not newer than the incident's version {current}")
MIGRATION_UNMATCHED = code("migration.unmatched",
                           "incident {reference} cannot move to version {version}: these elements have no "
                           "counterpart there: {elements}")
MIGRATION_VERSION_FIELD = code("migration.version_field", "a newer version of the incident's process")
RESTORE_TARGET_NOT_EMPTY = code("restore.target_not_empty",
                                "the target database already holds data; restore with --replace to overwrite it "
                                "(stop every renxing process using it first)")
