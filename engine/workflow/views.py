"""What the workflow layer hands the rest of the engine: plain frozen values, no library objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TaskView:
    """A READY user task."""

    id: str
    spec_name: str
    #: The BPMN element id (loop and multi-instance children share their element's id).
    element: str
    title: str
    #: The model's Chinese name of the task (`name_zh`), where it has one.
    title_zh: str | None
    #: The model's `subject` expression evaluated for this instance (e.g. which decision it reviews).
    subject: str | None
    lane: str | None
    form_key: str | None
    phase: str | None
    #: Earliest pending timer on a boundary event of this task (its deadline), or else of the
    #: subprocess it runs in (an improvement action's due date), if any.
    due_at: datetime | None
    #: Every extension property of the task (formKey, phase, assignee, notBy, …).
    properties: dict[str, str] = field(compare=False, repr=False)
    data: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class TimerView:
    """A pending timer: which element waits, and when it is due (None for a finished cycle)."""

    task_id: str
    name: str
    #: The model's Chinese name of the timer event (`name_zh`), where it has one.
    name_zh: str | None
    element: str
    due_at: datetime | None
    #: Id of the task this timer is attached to (boundary events), else None.
    attached_to: str | None
    #: Id of the subprocess this timer is attached to: its user tasks share the deadline.
    encloses: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Where the workflow stands after a command (`WorkflowRuntime.snapshot`)."""

    ready: list[TaskView]
    timers: list[TimerView]
    #: Names of the messages the workflow accepts now.
    messages: list[str]
    #: The most advanced phase among the active elements ("closed" once it ended; None if none says).
    phase: str | None
    completed: bool


@dataclass(frozen=True)
class TaskRecord:
    """One SpiffWorkflow task as stored in a row (see engine.models.workflow_state)."""

    id: str
    workflow_id: str
    parent_id: str | None
    children: tuple[str, ...]
    state: int
    task_spec: str
    last_state_change: float
    triggered: bool
    internal_data: dict[str, Any]
    data_hash: str


@dataclass(frozen=True)
class StateDelta:
    """What a command changed in the stored workflow."""

    meta: dict[str, Any]
    upserts: tuple[TaskRecord, ...]
    #: For the upserted records that are new: their creation sequence number.
    new_seq: dict[str, int]
    deletes: tuple[str, ...]
    #: data hash -> canonical JSON text, for every hash an upserted record refers to.
    data: dict[str, str]
    #: Tasks that left the live tree in this delta (detached loop iterations): their rows stay as history.
    left: tuple[str, ...] = ()
