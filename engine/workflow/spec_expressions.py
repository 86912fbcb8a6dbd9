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

from engine.workflow.sandbox import SandboxViolation, check_expression, check_script
from engine.workflow.spec_docs import BPMN_NS, Doc, Problems, local

__all__ = ["check_bpmn_expressions", "check_dmn_expressions", "refusal"]

_MAX_EXPRESSION = 10_000  # characters


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else element.text


def _quote(source: str) -> str:
    flat = " ".join(source.split())
    return f"`{flat[:160]}…`" if len(flat) > 160 else f"`{flat}`"


# --- expressions and scripts -----------------------------------------------------------------

_EXPRESSIONS = (  # (xpath from the root, what it is, is it a script)
    ("//bpmn:sequenceFlow/bpmn:conditionExpression", "condition", False),
    ("//spiffworkflow:preScript", "pre-script", True),
    ("//spiffworkflow:postScript", "post-script", True),
    ("//spiffworkflow:messagePayload", "message payload", False),
    ("//spiffworkflow:processVariableCorrelation/spiffworkflow:expression",
     "correlation expression", False),
    ("//bpmn:correlationPropertyRetrievalExpression/*", "correlation retrieval expression", False),
    ("//spiffworkflow:payloadExpression", "payload expression", False),
    ("//bpmn:conditionalEventDefinition/bpmn:condition", "event condition", False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality", False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
     "completion condition", False),
    ("//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition", False),
    ("//bpmn:adHocSubProcess/bpmn:completionCondition", "completion condition", False),
    ("//spiffworkflow:serviceTaskOperator//spiffworkflow:parameter/@value", "parameter", False),
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
    """Why the sandbox refuses `source`, or None when it accepts it."""
    if len(source) > _MAX_EXPRESSION:
        return f"longer than {_MAX_EXPRESSION} characters"
    try:
        (check_script if script else check_expression)(source)
    except SandboxViolation as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"cannot be compiled: {exc}"
    return None


def check_bpmn_expressions(doc: Doc, problems: Problems) -> None:
    for path, what, script in _EXPRESSIONS:
        for node in doc.xpath(path):
            element = node.getparent() if isinstance(node, etree._ElementUnicodeResult) else node
            source = str(node) if isinstance(node, etree._ElementUnicodeResult) else node.text
            if source and source.strip() and (why := refusal(source, script=script)):
                message = f"{what} {_quote(source)} is refused: {why}"
                problems.add(doc.name, _owner(element), message)
    for task in doc.xpath("//bpmn:scriptTask"):
        scripts = [c.text for c in task if local(c) == "script"]
        source = scripts[-1] if scripts else None  # SpiffWorkflow keeps the last one
        if not source or not source.strip():
            problems.add(doc.name, task.get("id"), "scriptTask has no script")
        elif why := refusal(source, script=True):
            problems.add(doc.name, task.get("id"), f"script {_quote(source)} is refused: {why}")
    for definition in doc.xpath("//bpmn:timerEventDefinition"):
        if why := _timer_problem(definition):
            problems.add(doc.name, _owner(definition), why)


# --- timers ----------------------------------------------------------------------------------

_TIMER_KINDS = {"timeDate": "date-time", "timeDuration": "duration", "timeCycle": "cycle"}


def _timer_problem(definition: etree._Element) -> str | None:
    """Timer expressions are Python evaluated by the engine: "PT30M" needs its quotes."""
    found = [(k, definition.find(f"{{{BPMN_NS}}}{k}")) for k in _TIMER_KINDS]  # Spiff's order
    kind, node = next(((k, n) for k, n in found if n is not None), (None, None))
    if kind is None or node is None:
        return "timer has no timeDate, timeDuration or timeCycle"
    source = node.text or ""
    if not source.strip():
        return f"timer {kind} is empty"
    try:
        value = ast.literal_eval(source)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        if _iso_problem(kind, source.strip()) is None:
            return (f"timer {kind} {_quote(source)} must be a Python string literal: write "
                    f'"{source.strip()}" with the quotes (timer expressions are evaluated)')
        why = refusal(source)
        return f"timer {kind} {_quote(source)} is refused: {why}" if why else None
    if not isinstance(value, str):
        return (f"timer {kind} {_quote(source)} must give an ISO 8601 {_TIMER_KINDS[kind]} "
                'string such as "PT30M"')
    if why := _iso_problem(kind, value):
        return f"timer {kind} {value!r} is not a valid ISO 8601 {_TIMER_KINDS[kind]}: {why}"
    return None


def _iso_problem(kind: str, value: str) -> str | None:
    """Check `value` with the helpers SpiffWorkflow's timer definitions use at run time."""
    timer = TimerEventDefinition
    try:
        if kind == "timeDuration":
            if not value.upper().startswith("P"):
                return "a duration starts with P, e.g. PT30M"
            parsed = timer.parse_iso_duration(value)
            if not parsed:
                return "the duration is empty"
            timer.get_timedelta_from_start(dict(parsed))
        elif kind == "timeDate":
            if not isinstance(timer.parse_time_or_duration(value), datetime):
                return "expected a date-time such as 2026-05-01T08:00:00+08:00"
            if "W" not in value.upper() and datetime.fromisoformat(value).tzinfo is None:
                return "give a time zone (Z or +08:00); without one the server's zone is used"
        else:
            if not value.upper().startswith("R"):
                return "a cycle starts with R, e.g. R3/PT10M"
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
                problems.add(doc.name, column.get("id"), "DMN input has no inputExpression "
                             "(SpiffWorkflow would fall back to the label)")
            elif why := refusal(source):
                problems.add(doc.name, column.get("id"),
                             f"DMN input expression {_quote(source)} is refused: {why}")
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
                                 f"rule {number} output {_quote(source)} is refused: {why}")


def _check_dmn_input_cell(doc: Doc, entry: etree._Element, number: int,
                          input_expr: str | None, problems: Problems) -> None:
    element = entry.get("id") or entry.getparent().get("id")
    text_node = entry.find("{*}text")
    if text_node is None:
        problems.add(doc.name, element, f"rule {number} has an input entry without <text>")
        return
    cell = text_node.text
    if cell is None or cell == "-" or input_expr is None:
        return  # matches anything (or the input itself was already reported)
    if not cell.strip():
        problems.add(doc.name, element, f"rule {number} cell is blank: write - to match anything")
        return
    if len(cell) > _MAX_EXPRESSION:
        problems.add(doc.name, element, f"rule {number} cell is too long")
        return
    try:
        expression, glued = _dmn_cell(input_expr, cell)
    except SyntaxError as exc:
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} is neither a value "
                     f"nor a comparison: {exc.msg}")
        return
    if glued:
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} becomes "
                     f"{_quote(expression)}: start the cell with ? (e.g. ? {cell})")
    elif why := refusal(expression):
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} (evaluated as "
                     f"{_quote(expression)}) is refused: {why}")
