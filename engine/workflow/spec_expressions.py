"""Deploy-time checks of what a model evaluates: conditions, scripts, payloads, loop expressions,
timer expressions and DMN cells, each checked as SpiffWorkflow will really run it, by our sandbox.

Expressions SpiffWorkflow would ignore today (a condition on a flow that leaves a plain task) are
refused rather than left dormant.
"""

from __future__ import annotations

import ast
from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.workflow import spec_messages as say
from engine.workflow.sandbox import SandboxViolation, check_expression, check_script
from engine.workflow.spec_docs import BPMN_NS, Doc, Problems, local
from forms.messages import Message, Template

__all__ = ["check_bpmn_expressions", "check_dmn_expressions", "refusal"]

_MAX_EXPRESSION = 10_000  # characters


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else element.text


def _quote(source: str) -> str:
    flat = " ".join(source.split())
    return f"`{flat[:160]}…`" if len(flat) > 160 else f"`{flat}`"


# --- expressions and scripts -----------------------------------------------------------------

_EXPRESSIONS: tuple[tuple[str, Template, bool], ...] = (  # (xpath from the root, what it is, a script?)
    ("//bpmn:sequenceFlow/bpmn:conditionExpression", say.CONDITION, False),
    ("//spiffworkflow:preScript", say.PRE_SCRIPT, True),
    ("//spiffworkflow:postScript", say.POST_SCRIPT, True),
    ("//spiffworkflow:messagePayload", say.MESSAGE_PAYLOAD, False),
    ("//spiffworkflow:processVariableCorrelation/spiffworkflow:expression", say.CORRELATION_EXPRESSION, False),
    ("//bpmn:correlationPropertyRetrievalExpression/*", say.CORRELATION_RETRIEVAL, False),
    ("//spiffworkflow:payloadExpression", say.PAYLOAD_EXPRESSION, False),
    ("//bpmn:conditionalEventDefinition/bpmn:condition", say.EVENT_CONDITION, False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", say.LOOP_CARDINALITY, False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", say.COMPLETION_CONDITION, False),
    ("//bpmn:standardLoopCharacteristics/bpmn:loopCondition", say.LOOP_CONDITION, False),
    ("//bpmn:adHocSubProcess/bpmn:completionCondition", say.COMPLETION_CONDITION, False),
    ("//spiffworkflow:serviceTaskOperator//spiffworkflow:parameter/@value", say.PARAMETER, False),
)
_WRAPPERS = frozenset({
    "conditionExpression", "preScript", "postScript", "messagePayload", "expression",
    "processVariableCorrelation", "correlationPropertyRetrievalExpression", "formalExpression",
    "messagePath", "payloadExpression", "condition", "conditionalEventDefinition",
    "loopCardinality", "completionCondition", "loopCondition", "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics", "extensionElements", "serviceTaskOperator", "parameters",
    "parameter", "timerEventDefinition", "timeDate", "timeDuration", "timeCycle", "script",
    "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
    "escalationEventDefinition",
})


def _owner(node: etree._Element) -> str | None:
    """The id of the model element an expression belongs to (a flow, task, event, message)."""
    for element in (node, *node.iterancestors()):
        if local(element) not in _WRAPPERS and element.get("id"):
            return str(element.get("id"))
    return None


def refusal(source: str, *, script: bool = False) -> str | None:
    """Why the sandbox refuses `source` (its compiler's own words, or a message), or None."""
    if len(source) > _MAX_EXPRESSION:
        return say.REFUSED_TOO_LONG(limit=_MAX_EXPRESSION)
    try:
        (check_script if script else check_expression)(source)
    except SandboxViolation as exc:
        return str(exc)
    except SyntaxError as exc:
        return say.REFUSED_SYNTAX(error=exc.msg, line=exc.lineno)
    except (ValueError, RecursionError, MemoryError) as exc:
        return say.REFUSED_UNCOMPILABLE(error=str(exc))
    return None


def check_bpmn_expressions(doc: Doc, problems: Problems) -> None:
    for path, what, script in _EXPRESSIONS:
        for node in doc.xpath(path):
            element = node.getparent() if isinstance(node, etree._ElementUnicodeResult) else node
            source = str(node) if isinstance(node, etree._ElementUnicodeResult) else node.text
            if source and source.strip() and (why := refusal(source, script=script)):
                problems.add(doc.name, _owner(element), say.EXPRESSION_REFUSED(
                    what=what(), source=_quote(source), reason=why))
    for task in doc.xpath("//bpmn:scriptTask"):
        scripts = [c.text for c in task if local(c) == "script"]
        source = scripts[-1] if scripts else None  # SpiffWorkflow keeps the last one
        if not source or not source.strip():
            problems.add(doc.name, task.get("id"), say.SCRIPT_TASK_EMPTY())
        elif why := refusal(source, script=True):
            problems.add(doc.name, task.get("id"), say.EXPRESSION_REFUSED(
                what=say.SCRIPT(), source=_quote(source), reason=why))
    for definition in doc.xpath("//bpmn:timerEventDefinition"):
        if why := _timer_problem(definition):
            problems.add(doc.name, _owner(definition), why)


# --- timers ----------------------------------------------------------------------------------

_TIMER_KINDS = {"timeDate": say.DATE_TIME, "timeDuration": say.DURATION, "timeCycle": say.CYCLE}


def _timer_problem(definition: etree._Element) -> Message | None:
    """Timer expressions are Python evaluated by the engine: "PT30M" needs its quotes."""
    found = [(k, definition.find(f"{{{BPMN_NS}}}{k}")) for k in _TIMER_KINDS]  # Spiff's order
    kind, node = next(((k, n) for k, n in found if n is not None), (None, None))
    if kind is None or node is None:
        return say.TIMER_WITHOUT_KIND()
    source = node.text or ""
    if not source.strip():
        return say.TIMER_EMPTY(kind=kind)
    try:
        value = ast.literal_eval(source)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        if _iso_problem(kind, source.strip()) is None:
            return say.TIMER_NEEDS_QUOTES(kind=kind, source=_quote(source), value=source.strip())
        why = refusal(source)
        return say.TIMER_REFUSED(kind=kind, source=_quote(source), reason=why) if why else None
    if not isinstance(value, str):
        return say.TIMER_NOT_STRING(kind=kind, source=_quote(source), what=_TIMER_KINDS[kind]())
    if why := _iso_problem(kind, value):
        return say.TIMER_NOT_ISO(kind=kind, value=value, what=_TIMER_KINDS[kind](), reason=why)
    return None


def _iso_problem(kind: str, value: str) -> str | None:
    """Check `value` with the helpers SpiffWorkflow's timer definitions use at run time."""
    timer = TimerEventDefinition
    try:
        if kind == "timeDuration":
            if not value.upper().startswith("P"):
                return say.DURATION_STARTS_WITH_P()
            parsed = timer.parse_iso_duration(value)
            if not parsed:
                return say.DURATION_EMPTY()
            timer.get_timedelta_from_start(dict(parsed))
        elif kind == "timeDate":
            if not isinstance(timer.parse_time_or_duration(value), datetime):
                return say.DATE_TIME_EXPECTED()
            if "W" not in value.upper() and datetime.fromisoformat(value).tzinfo is None:
                return say.DATE_TIME_ZONE()
        else:
            if not value.upper().startswith("R"):
                return say.CYCLE_STARTS_WITH_R()
            timer.parse_iso_recurring_interval(value)
    except Exception as exc:  # the helpers raise bare Exception, ValueError, AttributeError…
        return str(exc) or type(exc).__name__
    return None


# --- DMN cells, as DMNEngine evaluates them --------------------------------------------------

def _replace_placeholders(cell: str) -> str:
    """DMNEngine.evaluate's `re.sub(r'(\\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)', ...)` in linear
    time: a `?` stands for the input when an even number of quote characters follow it."""
    out, quotes_after = [], 0
    for char in reversed(cell):
        if char == "?" and quotes_after % 2 == 0:
            out.append("dmninputexpr")
        else:
            out.append(char)
            quotes_after += char in "'\""
    return "".join(reversed(out))


def _dmn_cell(input_expr: str, cell: str) -> tuple[str, bool]:
    """The Python DMNEngine.evaluate really runs for an input cell, and whether it glued the
    cell to the input without a space (`category` + `in [...]` → `categoryin [...]`)."""
    replaced = _replace_placeholders(cell)
    if "dmninputexpr" in replaced:
        return replaced, False
    try:
        ast.parse(cell)  # the engine's script_engine.validate
        return f"({input_expr}) == ({cell})", False
    except SyntaxError:
        ast.parse(f"v {cell}")  # a SyntaxError here is the engine's too
        glued = (input_expr[-1:].isidentifier() or input_expr[-1:].isdigit()) and (
            cell[:1].isidentifier() or cell[:1].isdigit())
        return input_expr + cell, glued


def check_dmn_expressions(doc: Doc, problems: Problems) -> None:
    for table in doc.root.iter("{*}decisionTable"):
        inputs = [c for c in table if local(c) == "input"]
        expressions: list[str | None] = []
        for column in inputs:
            source = _text(column.find("{*}inputExpression/{*}text"))
            expressions.append(None)
            if not source or not source.strip():
                problems.add(doc.name, column.get("id"), say.DMN_INPUT_WITHOUT_EXPRESSION())
            elif why := refusal(source):
                problems.add(doc.name, column.get("id"), say.EXPRESSION_REFUSED(
                    what=say.DMN_INPUT_EXPRESSION(), source=_quote(source), reason=why))
            else:
                expressions[-1] = source
        for number, rule in enumerate((c for c in table if local(c) == "rule"), start=1):
            cells = [c for c in rule if local(c) == "inputEntry"]
            for index, entry in enumerate(cells):
                _check_dmn_input_cell(doc, entry, number,
                                      expressions[index] if index < len(expressions) else None,
                                      problems)
            for entry in (c for c in rule if local(c) == "outputEntry"):
                source = _text(entry.find("{*}text"))
                if source and (why := refusal(source)):
                    problems.add(doc.name, entry.get("id") or rule.get("id"),
                                 say.DMN_OUTPUT_REFUSED(number=number, source=_quote(source), reason=why))


def _check_dmn_input_cell(doc: Doc, entry: etree._Element, number: int,
                          input_expr: str | None, problems: Problems) -> None:
    element = entry.get("id") or entry.getparent().get("id")
    text_node = entry.find("{*}text")
    if text_node is None:
        problems.add(doc.name, element, say.DMN_ENTRY_WITHOUT_TEXT(number=number))
        return
    cell = text_node.text
    if cell is None or cell == "-" or input_expr is None:
        return  # matches anything (or the input itself was already reported)
    if not cell.strip():
        problems.add(doc.name, element, say.DMN_CELL_BLANK(number=number))
        return
    if len(cell) > _MAX_EXPRESSION:
        problems.add(doc.name, element, say.DMN_CELL_TOO_LONG(number=number))
        return
    try:
        expression, glued = _dmn_cell(input_expr, cell)
    except SyntaxError as exc:
        problems.add(doc.name, element, say.DMN_CELL_NOT_COMPARISON(number=number, cell=_quote(cell), error=exc.msg))
        return
    if glued:
        problems.add(doc.name, element, say.DMN_CELL_GLUED(
            number=number, cell=_quote(cell), expression=_quote(expression), raw=cell))
    elif why := refusal(expression):
        problems.add(doc.name, element, say.DMN_CELL_REFUSED(
            number=number, cell=_quote(cell), expression=_quote(expression), reason=why))
