"""Run one incident's workflow: start, complete user tasks, send messages, fire timers.

Everything here runs under the command's clock (see clock_bridge) and turns the library's
exceptions into the engine's typed errors, so callers never see a SpiffWorkflow object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, FailedElement, InvalidInput, NotFound, RenxingError, WorkflowFailure
from engine.messages import (
    MESSAGE_NOT_AWAITED,
    TASK_ID_NOT_READY,
    TASK_NOT_HUMAN,
    TASK_NOT_HUMAN_FIELD,
    TASK_NOT_IN_INCIDENT,
    WORKFLOW_FAILED,
    WORKFLOW_UNRESTORABLE,
)
from engine.workflow.clock_bridge import using_clock
from engine.workflow.migration import migrate
from engine.workflow.operators_bridge import Dispatcher, OperatorScriptEngine
from engine.workflow.specs import load_specs
from engine.workflow.state import StoredWorkflow, fresh, json_data, restore
from engine.workflow.views import Snapshot, StateDelta, TaskRecord, TaskView, TimerView
from forms import CONFIRMATION_FORM
from forms.vocabulary import PHASES

#: Activities whose boundary timer bounds the user tasks inside them.
_ENCLOSING = (SubWorkflowTask, LoopTask)
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
#: Process variables the engine mirrors into incident fields when a task changes them.
WATCHED = ("response_level",)


def _properties(task: Task) -> Mapping[str, str]:
    extensions = getattr(task.task_spec, "extensions", None) or {}
    return extensions.get("properties") or {}


def _failed_element(task: Task | None) -> FailedElement | None:
    """Where a failure happened: the element, its name and the data it saw (JSON, for people)."""
    if task is None:
        return None
    return FailedElement(element=str(task.task_spec.bpmn_id or task.task_spec.name),
                         name=task.task_spec.bpmn_name, name_zh=_properties(task).get("name_zh") or None,
                         data=json_data(task.data))


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class WorkflowRuntime:
    """One incident's workflow, live in memory, with the operations commands need."""

    def __init__(self, stored: StoredWorkflow, *, now: Callable[[], datetime]) -> None:
        self._stored = stored
        self._wf: BpmnWorkflow = stored.workflow
        self._now = now
        self._changes: dict[str, Any] = {}

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def start(
        cls, *, specs_json: str, data: Mapping[str, Any], now: Callable[[], datetime],
        timeout: float, dispatcher: Dispatcher,
    ) -> WorkflowRuntime:
        spec, subprocess_specs = load_specs(specs_json)
        engine = OperatorScriptEngine(timeout)
        workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=engine)
        workflow.task_tree.data.update(dict(data))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(dict(data))
        runtime = cls(fresh(workflow), now=now)
        runtime.bind(now=now, dispatcher=dispatcher)
        runtime._guarded(runtime._advance)
        return runtime

    @classmethod
    def load(
        cls, *, specs_json: str, meta: Mapping[str, Any], records: Iterable[TaskRecord],
        data: Mapping[str, str], next_seq: int, timeout: float,
    ) -> WorkflowRuntime:
        spec, subprocess_specs = load_specs(specs_json)
        try:
            stored = restore(
                spec=spec, subprocess_specs=subprocess_specs, script_engine=OperatorScriptEngine(timeout),
                meta=meta, records=records, data=data, next_seq=next_seq,
            )
        except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError) as exc:
            # Stored rows that do not form a workflow (altered or damaged): say so, never crash.
            raise WorkflowFailure(WORKFLOW_UNRESTORABLE, error=repr(exc)) from exc
        return cls(stored, now=lambda: datetime.now(UTC))

    def bind(self, *, now: Callable[[], datetime], dispatcher: Dispatcher) -> None:
        """Attach the current command's clock and operator dispatcher (a runtime outlives commands)."""
        self._now = now
        self._wf.script_engine.dispatcher = dispatcher
        self._changes = {}

    def take_changes(self) -> dict[str, Any]:
        """Watched variables that tasks changed since the command began (the last change wins)."""
        changes, self._changes = self._changes, {}
        return changes

    def _note_changes(self, task: Task) -> None:
        parent = task.parent
        for name in WATCHED:
            new = task.data.get(name)
            if new is not None and (parent is None or parent.data.get(name) != new):
                self._changes[name] = new

    # --- reading ------------------------------------------------------------------------------
    def _all_tasks(self, state: int) -> list[Task]:
        """Tasks in `state`, subprocesses included (the library's iterator descends into them)."""
        return list(self._wf.get_tasks(state=state))

    def ready_user_tasks(self, timers: list[TimerView] | None = None) -> list[TaskView]:
        """READY user tasks; pass `pending_timers()` if already computed (deadlines come from them)."""
        return self._views(self._wf.get_tasks(state=TaskState.READY, manual=True),
                           timers if timers is not None else self.pending_timers())

    def snapshot(self) -> Snapshot:
        """What a command leaves behind, from one walk of the task tree: the ready user tasks with
        their deadlines, the pending timers, the messages waited for, the phase, whether it ended."""
        timers = self.pending_timers()
        completed = self._wf.is_completed()
        active = [] if completed else self._all_tasks(_ACTIVE)
        ready = [task for task in active if task.state == TaskState.READY and task.task_spec.manual]
        return Snapshot(ready=self._views(ready, timers), timers=timers, messages=self.waiting_messages(),
                        phase="closed" if completed else self._latest_phase(active), completed=completed)

    def _views(self, tasks: Iterable[Task], timers: list[TimerView]) -> list[TaskView]:
        due: dict[str, datetime | None] = {t.attached_to: t.due_at for t in timers if t.attached_to and t.due_at}
        enclosing = {t.encloses: t.due_at for t in timers if t.encloses and t.due_at}
        views = []
        for task in tasks:
            props = _properties(task)
            key = str(task.id)
            if key not in due and enclosing:
                due[key] = self._enclosing_due(task, enclosing)
            views.append(TaskView(
                id=key,
                spec_name=task.task_spec.name,
                element=task.task_spec.bpmn_id or task.task_spec.name,
                title=task.task_spec.bpmn_name or task.task_spec.name,
                title_zh=props.get("name_zh") or None,
                subject=self._subject(task, props.get("subject")),
                lane=task.task_spec.lane,
                form_key=props.get("formKey") or CONFIRMATION_FORM,
                phase=self._phase_of(task),
                due_at=due.get(key),
                properties=dict(props),
                data=dict(task.data),
            ))
        return views

    def _enclosing_due(self, task: Task, enclosing: Mapping[str, datetime]) -> datetime | None:
        """The deadline of the innermost subprocess around `task` that a timer is attached to."""
        current: Task | None = task
        while current is not None:
            found = enclosing.get(str(current.id))
            if found is not None:
                return found
            parent_id = current.workflow.parent_task_id if current.parent is None else None
            current = current.parent if parent_id is None else self._wf.get_task_from_id(parent_id)
        return None

    def _subject(self, task: Task, expression: str | None) -> str | None:
        """Display text only: a subject that fails to evaluate is left out, never fatal."""
        if not expression:
            return None
        try:
            with using_clock(self._now):
                value = self._wf.script_engine.evaluate(task, expression)
        except Exception:  # noqa: BLE001 - checked at deploy; at run time a label must not stop work
            return None
        return str(value)[:300] if value is not None else None

    def pending_timers(self) -> list[TimerView]:
        timers = []
        for task in self._wf.event_manager.tasks.values():
            definition = task.task_spec.event_definition
            if not isinstance(definition, TimerEventDefinition):
                continue
            details = definition.details(task)
            attached_to = encloses = None
            parent = task.parent
            if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
                siblings = [c for c in parent.children if c is not task and c.task_spec.manual]
                attached_to = str(siblings[0].id) if siblings else None
                activities = [c for c in parent.children if c is not task and isinstance(c.task_spec, _ENCLOSING)]
                encloses = str(activities[0].id) if activities else None
            timers.append(TimerView(
                task_id=str(task.id),
                name=task.task_spec.bpmn_name or task.task_spec.name,
                name_zh=_properties(task).get("name_zh") or None,
                element=task.task_spec.name,
                due_at=_parse_moment(details.value),
                attached_to=attached_to,
                encloses=encloses,
            ))
        return sorted(timers, key=lambda t: (t.due_at is None, t.due_at or datetime.max.replace(tzinfo=UTC)))

    def waiting_messages(self) -> list[str]:
        """Messages the incident accepts now: waiting catch events, and while it runs, the
        messages that start its event subprocesses (a level change at any moment)."""
        names = {
            task.task_spec.event_definition.name
            for task in self._wf.event_manager.tasks.values()
            if isinstance(task.task_spec.event_definition, MessageEventDefinition)
        }
        if not self._wf.is_completed():
            for trigger in getattr(self._wf.spec.start, "trigger_specs", []):
                sub_spec = self._wf.subprocess_specs.get(self._wf.spec.task_specs[trigger].spec)
                for start in getattr(sub_spec, "bpmn_start_events", []):
                    if isinstance(start.event_definition, MessageEventDefinition):
                        names.add(start.event_definition.name)
        return sorted(names)

    def _phase_of(self, task: Task) -> str | None:
        current: Task | None = task
        while current is not None:
            phase = _properties(current).get("phase")
            if phase:
                return phase
            parent_id = getattr(current.workflow, "parent_task_id", None)
            current = self._wf.get_task_from_id(parent_id) if parent_id is not None else None
        return None

    def phase(self) -> str | None:
        """The most advanced lifecycle phase among the active elements (None if none says)."""
        if self._wf.is_completed():
            return "closed"
        return self._latest_phase(self._all_tasks(_ACTIVE))

    def _latest_phase(self, active: Iterable[Task]) -> str | None:
        found = {self._phase_of(t) for t in active}
        ranked = [p for p in PHASES if p in found]
        return ranked[-1] if ranked else None

    def is_completed(self) -> bool:
        return self._wf.is_completed()

    # --- commands -----------------------------------------------------------------------------
    def _advance(self) -> None:
        """Run automatic work until the workflow waits; timers released on the way run too."""
        self._wf.do_engine_steps(did_complete_task=self._note_changes)
        self._wf.refresh_timers()
        self._wf.do_engine_steps(did_complete_task=self._note_changes)

    def _guarded(self, action: Callable[[], None]) -> None:
        with using_clock(self._now):
            try:
                action()
            except SpiffWorkflowException as exc:
                cause = getattr(exc, "exception", None) or exc.__cause__
                error = cause if isinstance(cause, RenxingError) else WorkflowFailure(WORKFLOW_FAILED, error=str(exc))
                # an operator refused: keep its meaning (403, 409, 422…); either way say where
                error.failed_at = _failed_element(getattr(exc, "task", None))
                raise error from exc

    def _task(self, task_id: str) -> Task:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (TaskNotFoundException, ValueError) as exc:
            raise NotFound(TASK_NOT_IN_INCIDENT, task_id=task_id) from exc
        if task is None:
            raise NotFound(TASK_NOT_IN_INCIDENT, task_id=task_id)
        return task

    def task_data(self, task_id: str) -> dict[str, Any]:
        """What a task sees of the process variables (a copy)."""
        return dict(self._task(task_id).data)

    def late_task_of(self, task_id: str) -> str | None:
        """The ready task whose missed deadline `task_id` follows from: the activity a boundary
        timer on the way to it is attached to (an escalation), or None."""
        current, child = self._task(task_id), None
        while current is not None:
            if isinstance(current.task_spec, BoundaryEventSplit):
                if child is None or not isinstance(getattr(child.task_spec, "event_definition", None),
                                                   TimerEventDefinition):
                    return None
                late = [c for c in current.children if c.task_spec.manual and c.state == TaskState.READY]
                return str(late[0].id) if late else None
            current, child = current.parent, current
        return None

    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> None:
        task = self._task(task_id)
        if not task.task_spec.manual:
            raise InvalidInput(TASK_NOT_HUMAN, task_id=task_id, fields={"task_id": TASK_NOT_HUMAN_FIELD()})
        if task.state != TaskState.READY:
            raise Conflict(TASK_ID_NOT_READY, task_id=task_id, state=TaskState.get_name(task.state))

        def run() -> None:
            task.set_data(**dict(data))
            task.run()
            self._note_changes(task)
            self._advance()

        self._guarded(run)

    def send_message(self, name: str, payload: Mapping[str, Any]) -> None:
        if name not in self.waiting_messages():
            raise Conflict(MESSAGE_NOT_AWAITED, name=name)
        event = BpmnEvent(MessageEventDefinition(name), dict(payload))

        def run() -> None:
            self._wf.send_event(event)
            self._advance()

        self._guarded(run)

    def fire_due_timers(self) -> None:
        self._guarded(self._advance)

    def set_variable(self, name: str, value: Any) -> Any:
        """Set a process variable where the workflow stands — on every running or waiting task,
        whose data the next steps inherit — and return the value it had there (None if none)."""
        tasks = self._all_tasks(_ACTIVE)
        before = next((task.data[name] for task in tasks if name in task.data), None)
        for task in tasks:
            task.data = {**task.data, name: value}  # a new dict: restored tasks may share one
        return before

    def migrate_to(self, specs_json: str) -> list[str]:
        """Move onto another version of the process; the elements without a counterpart there
        (empty when it moved; otherwise this runtime is half-moved: throw it away)."""
        spec, subprocess_specs = load_specs(specs_json)
        return migrate(self._wf, spec, subprocess_specs)

    def cancel(self) -> None:
        self._guarded(lambda: self._wf.cancel())

    # --- persistence --------------------------------------------------------------------------
    def delta(self) -> StateDelta:
        return self._stored.delta()

    def mark_saved(self, delta: StateDelta) -> None:
        self._stored.mark_saved(delta)
