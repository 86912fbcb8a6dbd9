"""A model's elements, and where a stored workflow stands on them, as our own frozen values.

Read from the definition's stored specs and the incident's task rows (the workflow itself is
never restored): SpiffWorkflow's task-state flags and task-spec classes are interpreted here, in
the only package that knows them. Elements are keyed by the BPMN file that draws them and their
id, which is exactly how a BPMN renderer finds a shape (ids are unique within a file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.bpmn_task_spec import BpmnTaskSpec
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.workflow.flatten import CAME_FROM
from engine.workflow.spec_docs import properties
from engine.workflow.specs import Specs, load_specs

__all__ = ["ElementInfo", "ElementState", "Progress", "StoredTask", "model_elements", "progress"]

#: What a person sees of an element: finished, waiting for a person, waiting for an event or a
#: timer, failed, or cancelled (a branch that was not needed).
ElementState = Literal["done", "ready", "waiting", "error", "cancelled"]
ElementKind = Literal["user_task", "task", "subprocess", "event", "gateway"]

_STATES: dict[int, ElementState] = {
    TaskState.READY: "ready", TaskState.STARTED: "ready", TaskState.WAITING: "waiting",
    TaskState.ERROR: "error", TaskState.COMPLETED: "done", TaskState.CANCELLED: "cancelled",
}
#: When one element has several tasks (loops, repeats, parallel instances), the most telling wins.
_PRIORITY: tuple[ElementState, ...] = ("ready", "waiting", "error", "done", "cancelled")


@dataclass(frozen=True)
class ElementInfo:
    """One drawn element of a model (a task, event, gateway or subprocess)."""

    file: str
    element_id: str
    kind: ElementKind
    name: str
    #: The `name_zh` extension property, where the model carries one.
    name_zh: str | None
    #: The lane (a seat's role key), where the element sits in one.
    lane: str | None


@dataclass(frozen=True)
class Progress:
    """Each reached element's state, and each flow the workflow actually took."""

    #: (file, element id) -> state; elements not reached are absent.
    states: Mapping[tuple[str, str], ElementState]
    #: (file, source element id, target element id) for every step the workflow made.
    taken: frozenset[tuple[str, str, str]]


class StoredTask(Protocol):
    """The columns of a stored task row that progress needs."""

    @property
    def id(self) -> str: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def task_spec(self) -> str: ...
    @property
    def state(self) -> int: ...
    @property
    def internal_data(self) -> Mapping[str, Any]: ...


def _kind(spec: TaskSpec) -> ElementKind:
    if isinstance(spec, UserTask):
        return "user_task"
    if isinstance(spec, SubWorkflowTask):
        return "subprocess"
    if isinstance(spec, CatchingEvent | ThrowingEvent):
        return "event"
    if "Gateway" in type(spec).__name__:
        return "gateway"
    return "task"


def _drawn(spec: TaskSpec) -> bool:
    """A modelled element, not one of the library's helpers (Start, EndJoin, boundary splits)."""
    return isinstance(spec, BpmnTaskSpec) and bool(spec.bpmn_id)


def model_elements(spec_json: str) -> tuple[ElementInfo, ...]:
    """Every drawn element of a stored process and the processes it calls, in model order."""
    top, subs = load_specs(spec_json)
    found: dict[tuple[str, str], ElementInfo] = {}
    for process in (top, *subs.values()):
        for spec in process.task_specs.values():
            if not _drawn(spec) or (process.file, spec.bpmn_id) in found:
                continue
            props = properties(getattr(spec, "extensions", {}) or {})
            found[(process.file, spec.bpmn_id)] = ElementInfo(
                file=process.file, element_id=spec.bpmn_id, kind=_kind(spec),
                name=spec.bpmn_name or spec.bpmn_id, name_zh=props.get("name_zh") or None,
                lane=getattr(spec, "lane", None) or None)
    return tuple(found.values())


class _Tree:
    """The stored tasks with the spec each one runs."""

    def __init__(self, specs: Specs, rows: Iterable[StoredTask]) -> None:
        self.top, self.subs = specs
        self.rows = {row.id: row for row in rows}
        self._process: dict[str, BpmnProcessSpec] = {"": self.top}

    def process(self, workflow_id: str, depth: int = 0) -> BpmnProcessSpec | None:
        """The process spec a (sub)workflow runs: its starter task names the subprocess."""
        if workflow_id in self._process or depth > 50:
            return self._process.get(workflow_id)
        starter = self.rows.get(workflow_id)
        parent = self.process(starter.workflow_id, depth + 1) if starter is not None else None
        spec = parent.task_specs.get(starter.task_spec) if parent is not None and starter is not None else None
        found = self.subs.get(spec.spec) if isinstance(spec, SubWorkflowTask) else None
        if found is not None:
            self._process[workflow_id] = found
        return found

    def element(self, row: StoredTask) -> tuple[str, str] | None:
        """(file, element id) a task runs, or None for the library's helper tasks."""
        process = self.process(row.workflow_id)
        spec = process.task_specs.get(row.task_spec) if process is not None else None
        if spec is None or not _drawn(spec):
            return None
        return process.file, spec.bpmn_id  # type: ignore[union-attr]

    def source(self, row: StoredTask) -> str | None:
        """The nearest ancestor task that is a drawn element: where the flow into `row` came from
        (a task moved up the tree when its rework pass settled remembers the parent it ran after)."""
        parent = self.rows.get(_came_from(row))
        for _ in range(10):
            if parent is None:
                return None
            found = self.element(parent)
            if found is not None:
                return found[1]
            parent = self.rows.get(_came_from(parent))
        return None


def _came_from(row: StoredTask) -> str:
    return str((row.internal_data or {}).get(CAME_FROM) or row.parent_id or "")


def progress(spec_json: str, rows: Iterable[StoredTask]) -> Progress:
    """Where a workflow stands, from its stored task rows and its definition's stored specs."""
    tree = _Tree(load_specs(spec_json), rows)
    states: dict[tuple[str, str], ElementState] = {}
    taken: set[tuple[str, str, str]] = set()
    #: A parallel join completes once; its copies on the other branches are cancelled, yet taken.
    joined: set[tuple[str, str, str]] = set()
    for row in tree.rows.values():
        state = _STATES.get(row.state)
        element = tree.element(row)
        if state is None or element is None:
            continue
        current = states.get(element)
        if current is None or _PRIORITY.index(state) < _PRIORITY.index(current):
            states[element] = state
        source = tree.source(row)
        if source is not None:
            (joined if state == "cancelled" else taken).add((element[0], source, element[1]))
    reached = {key for key, state in states.items() if state != "cancelled" and state != "error"}
    taken.update(t for t in joined if (t[0], t[2]) in reached)
    return Progress(states=states, taken=frozenset(taken))
