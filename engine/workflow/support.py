"""Which BPMN elements run here: the list docs/bpmn-support.md is generated from
(`python -m engine.workflow.support > docs/bpmn-support.md`; tests/api/test_bpmn_support.py checks the
file is current and runs every model named here through the API, or sees it refused with the code
named here).

Each row: the element, what happens to it (runs / runs with limits / refused), what to know, and
the model that shows it — a model not written for renxing (tests/fixtures/foreign/, in the style of
bpmn.io and Camunda Modeler) or one of the process library (bpmn/, walked by its own tests).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SUPPORT", "Support", "support_table"]

RUNS, LIMITS, REFUSED = "runs", "runs with limits", "refused"


@dataclass(frozen=True)
class Support:
    element: str
    verdict: str
    note: str
    #: The model that shows it (tests/fixtures/foreign/<name> or bpmn/<name>).
    model: str
    #: For a refusal: the message code deploy answers at that element.
    code: str | None = None


SUPPORT: tuple[Support, ...] = (
    Support("startEvent (none)", RUNS, "starting an incident starts the process", "foreign/camunda_review.bpmn"),
    Support("endEvent (none)", RUNS, "the incident closes when the process completes", "foreign/camunda_review.bpmn"),
    Support("userTask", RUNS, "its seat: its lane, or `camunda:candidateGroups`, a `candidateGroups` extension "
            "property or `potentialOwner` (the first of several, with a warning); its form: `formKey` naming a "
            "form of the bundle or the built-in library, else the built-in confirmation form (with a warning)",
            "foreign/camunda_review.bpmn"),
    Support("userTask with `potentialOwner`", RUNS, "the formal expression names the seat", "foreign/owners.bpmn"),
    Support("task (abstract) and manualTask", LIMITS, "SpiffWorkflow waits for a person on them, as on a user "
            "task: they need a seat and get the confirmation form", "foreign/owners.bpmn"),
    Support("scriptTask", LIMITS, "Python in the sandbox: no imports or underscore names, a short list of "
            "builtins, bounded time and memory; checked at deploy", "foreign/bpmnio_gateways.bpmn"),
    Support("exclusiveGateway", LIMITS, "conditions are Python expressions; a default flow is honoured",
            "foreign/bpmnio_gateways.bpmn"),
    Support("conditionExpression in JUEL (`${approved}`)", REFUSED, "Camunda's expression language is not "
            "Python: write `approved`", "foreign/camunda_juel.bpmn", "model.expression_refused"),
    Support("parallelGateway", RUNS, "split and join", "foreign/bpmnio_gateways.bpmn"),
    Support("subProcess (embedded)", RUNS, "", "foreign/camunda_repeat.bpmn"),
    Support("callActivity", LIMITS, "the called process must be in the same bundle; a process that calls itself, "
            "directly or not, is refused", "foreign/camunda_repeat.bpmn"),
    Support("multiInstanceLoopCharacteristics (parallel)", RUNS, "over a collection (`loopDataInputRef`)",
            "foreign/camunda_repeat.bpmn"),
    Support("standardLoopCharacteristics", LIMITS, "the loop condition is a Python expression",
            "foreign/camunda_repeat.bpmn"),
    Support("intermediateCatchEvent (message)", RUNS, "sent with `POST /incidents/{ref}/messages` (or the "
            "commander's page)", "foreign/camunda_message.bpmn"),
    Support("sequence flow back to an earlier element (a rework loop)", LIMITS, "each pass's settled tasks "
            "leave the live task tree and stay as history (the incident's tasks and audit trail), so a loop "
            "run 10,000 times costs each command what it did at pass 10 (docs/performance.md); the shapes "
            "below are refused", "foreign/camunda_rework.bpmn"),
    Support("a loop through a parallel, inclusive, event-based or complex gateway", REFUSED, "a loop into or "
            "out of parallel branches: the join tells the passes' tokens apart by the tasks before them; join "
            "the branches before the loop, or repeat them with loop characteristics",
            "foreign/bpmnio_parallel_rework.bpmn", "model.loop_through_gateway"),
    Support("a loop through a boundary event", REFUSED, "a non-interrupting event's path back would run a "
            "second pass beside the first; send the work back with a gateway after the activity",
            "foreign/camunda_reminder_loop.bpmn", "model.loop_through_boundary_event"),
    Support("boundaryEvent (timer, non-interrupting)", LIMITS, "timer expressions are Python string literals "
            '(`"PT30M"` with the quotes); the timer worker fires them', "bpmn/community_incident.bpmn"),
    Support("businessRuleTask (DMN)", LIMITS, "`spiffworkflow:calledDecisionId`; one decision per DMN file in "
            "the bundle; cells are Python expressions", "bpmn/community_incident.bpmn"),
    Support("serviceTask", LIMITS, "calls one of the engine's operators by name (`spiffworkflow:serviceTaskOperator`)"
            "; unknown operators are refused", "bpmn/incident_lifecycle.bpmn"),
)


def support_table() -> str:
    """docs/bpmn-support.md."""
    lines = [
        "# Which BPMN elements run here",
        "",
        "Generated from `engine/workflow/support.py` (`python -m engine.workflow.support > "
        "docs/bpmn-support.md`); `tests/api/test_bpmn_support.py` checks this file is current, deploys and "
        "runs every model named under `foreign/` through the API (or sees it refused with the code named "
        "here), and the library's own tests walk the models under `bpmn/`.",
        "",
        "A model may come from any modeler: elements and attributes this table does not name are ignored "
        "where SpiffWorkflow ignores them, and refused at deploy where it cannot run them, naming the file, "
        "the element and the reason.",
        "",
        "| Element | Here | What to know | Shown by |",
        "| --- | --- | --- | --- |",
    ]
    for row in SUPPORT:
        verdict = f"{row.verdict} (`{row.code}`)" if row.code else row.verdict
        model = f"tests/fixtures/{row.model}" if row.model.startswith("foreign/") else row.model
        lines.append(f"| {row.element} | {verdict} | {row.note or '—'} | `{model}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(support_table(), end="")
