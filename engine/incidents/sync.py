"""The tail of every incident command: persist the workflow, mirror its ready user tasks into
`human_tasks`, derive the incident's fields, and log what changed — all in the caller's
transaction, so either everything lands or nothing does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, notifications
from engine.actors import TIMER_WORKER, Actor
from engine.db import now
from engine.incidents.store import remember_after_commit, save_runtime
from engine.messages import INCIDENT_ENDED_BY_PROCESS
from engine.models import HumanTask, Incident, PhaseHistory, User
from engine.workflow import TaskView, TimerView, WorkflowRuntime
from forms.vocabulary import ACTIVE, CLOSED


def _sync_human_tasks(
    session: Session, incident: Incident, runtime: WorkflowRuntime, timers: list[TimerView], actor: Actor
) -> None:
    """Mirror the ready user tasks, and note who should hear of each task opened or cancelled."""
    moment = now(session)
    ready = {view.id: view for view in runtime.ready_user_tasks(timers)}
    open_rows = {
        row.id: row
        for row in session.scalars(
            select(HumanTask).where(HumanTask.incident_id == incident.id, HumanTask.state == "ready")
        )
    }
    for task_id, row in open_rows.items():
        view = ready.get(task_id)
        if view is None:
            row.state = "cancelled"
            row.completed_at = moment
            notifications.record(session, kind=notifications.CANCELLED, incident=incident, task=row)
        elif row.due_at != view.due_at and not _deadline_passed(row, view, moment):
            row.due_at = view.due_at
    for task_id, view in ready.items():
        if task_id in open_rows:
            continue
        task = HumanTask(
            id=task_id, incident_id=incident.id, task_spec=view.element, title=view.title, title_zh=view.title_zh,
            subject=view.subject, role=_named_user(view, "seat") or view.lane or "", form_key=view.form_key or "",
            phase=view.phase, state="ready",
            due_at=view.due_at, created_at=moment, assignee_id=_assignee(session, view),
            excluded_user=_named_user(view, "notBy"),
        )
        session.add(task)
        kind = notifications.ESCALATED if actor == TIMER_WORKER else notifications.ASSIGNED
        notifications.record(session, kind=kind, incident=incident, task=task, username=_named_user(view, "assignee"))


def _deadline_passed(row: HumanTask, view: TaskView, moment: datetime) -> bool:
    """A deadline that passed stays on the task once its timer has fired (it escalated): the task
    is still late, and the inbox, the diagram and the overdue report must keep saying so."""
    return view.due_at is None and row.due_at is not None and row.due_at <= moment


def _named_user(view: TaskView, prop: str) -> str | None:
    """The value of the data variable a task property names: a username (`assignee`, `notBy`) or
    the seat that owns the task where the model decides it at run time (`seat`, e.g. the leading
    tier's command seat); the lane stays the default."""
    variable = view.properties.get(prop)
    value = view.data.get(variable) if variable else None
    return value if isinstance(value, str) and value else None


def _assignee(session: Session, view: TaskView) -> int | None:
    username = _named_user(view, "assignee")
    if username is None:
        return None
    return session.scalar(select(User.id).where(User.username == username))


def _enter_phase(session: Session, incident: Incident, phase: str, actor: Actor) -> None:
    moment = now(session)
    current = session.scalar(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident.id, PhaseHistory.left_at.is_(None))
    )
    if current is not None:
        current.left_at = moment
    session.add(PhaseHistory(incident_id=incident.id, phase=phase, entered_at=moment))
    audit.record(session=session, actor=actor.username, action="phase_changed", incident_id=incident.id,
                 payload={"from": incident.phase, "to": phase})
    incident.phase = phase


def sync(session: Session, incident: Incident, runtime: WorkflowRuntime, actor: Actor) -> None:
    """Persist and derive; call after the workflow changed, inside the command's transaction."""
    session.flush()
    delta = save_runtime(session, incident, runtime)
    timers = runtime.pending_timers()
    _sync_human_tasks(session, incident, runtime, timers, actor)
    phase = runtime.phase()
    if phase is not None and phase != incident.phase:
        _enter_phase(session, incident, phase, actor)
    level = runtime.take_changes().get("response_level")
    if isinstance(level, str) and level != incident.response_level:
        audit.record(session=session, actor=actor.username, action="response_level_changed",
                     incident_id=incident.id, payload={"from": incident.response_level, "to": level})
        incident.response_level = level
    incident.next_timer_at = min((t.due_at for t in timers if t.due_at is not None), default=None)
    incident.workflow_meta = {
        **delta.meta,
        "views": {
            "timers": [
                {"name": t.name, "name_zh": t.name_zh, "element": t.element, "attached_to": t.attached_to,
                 "due_at": t.due_at.isoformat() if t.due_at else None}
                for t in timers
            ],
            "messages": runtime.waiting_messages(),
        },
    }
    if runtime.is_completed() and incident.status == ACTIVE:
        incident.status = CLOSED
        incident.ended_at = now(session)
        incident.end_reason = incident.end_reason or str(INCIDENT_ENDED_BY_PROCESS())
        audit.record(session=session, actor=actor.username, action="incident_closed",
                     incident_id=incident.id, payload={"reason": incident.end_reason})
    audit.write_head(session, incident)
    incident.version += 1
    incident.updated_at = now(session)
    remember_after_commit(session, incident, runtime, delta)
