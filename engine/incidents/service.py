"""Incidents after they start: read one or many, their state at a glance, advance one by a
message, end one early. (Starting lives in `engine.incidents.starting`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import audit, notifications, registers, seats
from engine.actors import Actor
from engine.db import now
from engine.db.locking import lock_incident
from engine.definitions.forms import definition_form
from engine.errors import InvalidInput, NotFound
from engine.incidents.access import require_commander
from engine.incidents.orders import ORDER_MESSAGE
from engine.incidents.pipeline import Locked, run_command
from engine.incidents.starting import VARIABLE
from engine.messages import (
    INCIDENT_END_REASON,
    INCIDENT_INVALID_OUTCOME,
    INCIDENT_NOT_FOUND,
    INCIDENT_OUTCOMES,
    INCIDENT_REFERENCE_NOT_FOUND,
    MESSAGE_INVALID_NAME,
    MESSAGE_INVALID_PAYLOAD,
    MESSAGE_NAME_FORMAT,
    MESSAGE_PAYLOAD_NOT_VALID,
    ORDER_WITH_A_DECISION,
    REASON_REQUIRED,
)
from engine.models import HumanTask, Incident, PhaseHistory
from forms import available_form_keys, validate
from forms.messages import FIELD_OBJECT
from forms.vocabulary import CANCELLED, END_OUTCOMES

MAX_ID = 2**31 - 1


def get(*, session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(INCIDENT_NOT_FOUND, incident=incident_id)
    return incident


def get_by_reference(*, session: Session, reference: str) -> Incident:
    incident = session.scalar(select(Incident).where(Incident.reference == reference))
    if incident is None:
        raise NotFound(INCIDENT_REFERENCE_NOT_FOUND, reference=reference)
    return incident


def resolve(*, session: Session, ref: str | int) -> Incident:
    """An incident by numeric id or by reference such as INC-2026-0007."""
    if isinstance(ref, str) and ref.isascii() and ref.isdigit():
        ref = int(ref)
    if isinstance(ref, int):
        if not 0 < ref <= MAX_ID:
            raise NotFound(INCIDENT_NOT_FOUND, incident=ref)
        return get(session=session, incident_id=ref)
    return get_by_reference(session=session, reference=str(ref))


@dataclass(frozen=True)
class IncidentFilter:
    phase: str | None = None
    status: str | None = None
    response_level: str | None = None
    unit: str | None = None
    category: str | None = None
    exercise: bool | None = None
    text: str | None = None


def list_incidents(
    *, session: Session, filters: IncidentFilter | None = None, after_id: int | None = None, limit: int = 50
) -> list[Incident]:
    """Newest first; `after_id` is the cursor (the id of the last incident already seen)."""
    f = filters or IncidentFilter()
    query = select(Incident).order_by(Incident.id.desc()).limit(max(1, min(limit, 500)))
    for column, value in (
        (Incident.phase, f.phase), (Incident.status, f.status), (Incident.response_level, f.response_level),
        (Incident.unit, f.unit), (Incident.category, f.category), (Incident.exercise, f.exercise),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.text:
        pattern = f"%{f.text.strip()}%"
        query = query.where(or_(Incident.title.ilike(pattern), Incident.reference.ilike(pattern)))
    if after_id is not None:
        query = query.where(Incident.id < after_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class TimerState:
    name: str
    element: str
    due_at: datetime | None
    attached_to: str | None
    #: The model's Chinese name of the timer (`name_zh`), where it has one.
    name_zh: str | None = None


@dataclass(frozen=True)
class IncidentState:
    incident: Incident
    open_tasks: list[HumanTask]
    timers: list[TimerState]
    waiting_messages: list[str]
    phase_history: list[PhaseHistory]
    commanders: list[str]


def state(*, session: Session, incident_id: int) -> IncidentState:
    """Everything a commander needs at a glance, read from rows — the workflow is not loaded."""
    incident = get(session=session, incident_id=incident_id)
    tasks = list(session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "ready")
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    ))
    views = (incident.workflow_meta or {}).get("views", {})
    timers = [
        TimerState(t["name"], t["element"], datetime.fromisoformat(t["due_at"]) if t["due_at"] else None,
                   t.get("attached_to"), t.get("name_zh"))
        for t in views.get("timers", [])
    ]
    history = list(session.scalars(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident_id).order_by(PhaseHistory.id)
    ))
    commanders = [u.username for u in seats.holders(session=session, role=seats.COMMANDER,
                                                      incident_id=incident_id)]
    return IncidentState(incident, tasks, timers, list(views.get("messages", [])), history, commanders)


def send_message(
    *, session: Session, actor: Actor, incident_id: int, name: str, payload: dict[str, Any] | None = None
) -> Incident:
    """How a commander advances an incident (e.g. `response_over`)."""
    payload = {} if payload is None else payload
    if not isinstance(name, str) or not VARIABLE.match(name):
        raise InvalidInput(MESSAGE_INVALID_NAME, fields={"name": MESSAGE_NAME_FORMAT()})
    if name == ORDER_MESSAGE:  # an order belongs to a recorded decision: engine.incidents.orders
        raise InvalidInput(ORDER_WITH_A_DECISION, fields={"name": ORDER_WITH_A_DECISION()})
    if not isinstance(payload, dict):
        raise InvalidInput(MESSAGE_INVALID_PAYLOAD, fields={"payload": FIELD_OBJECT()})
    form_key = f"message_{name}"
    kept = definition_form(session=session, incident_id=incident_id, form_key=form_key)
    if kept is not None or form_key in available_form_keys():  # messages with a schema get checked like forms
        errors = validate(form_key, payload, schema=kept)
        if errors:
            raise InvalidInput(MESSAGE_PAYLOAD_NOT_VALID, name=name,
                               fields={f"payload.{k}" if k else "payload": v for k, v in errors.items()})
    require_commander(session, actor, incident_id)

    def change(locked: Locked) -> None:
        locked.runtime.send_message(name, payload)
        audit.record(session=session, actor=actor.username, action="message_received",
                     incident_id=incident_id, payload={"name": name, "payload": payload})

    return run_command(session, incident_id, actor, change)


def preview_message(
    *, session: Session, actor: Actor, incident_id: int, name: str, payload: dict[str, Any] | None = None
) -> list[HumanTask]:
    """The open tasks that `send_message` would cancel, so a page can ask "this cancels …?" first.

    Why a rehearsal and not a reading of the model: what a message closes depends on where the
    workflow stands (boundary events, subprocesses, gateways), which only the workflow knows. The
    message is sent inside a savepoint that is always rolled back; nothing it did survives —
    rows, audit events, notifications, the after-commit hooks it registered, the cached workflow
    (taken from the cache and dropped)."""
    hooks = list(session.info.get("after_commit", []))
    before = {t.id: t for t in session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "ready"))}
    rehearsal = session.begin_nested()
    try:
        send_message(session=session, actor=actor, incident_id=incident_id, name=name, payload=payload)
        session.flush()
        still_open = set(session.scalars(
            select(HumanTask.id).where(HumanTask.incident_id == incident_id, HumanTask.state == "ready")))
    finally:
        rehearsal.rollback()
        session.info["after_commit"] = hooks
    session.expire_all()
    return [task for task_id, task in before.items() if task_id not in still_open]


def end(
    *, session: Session, actor: Actor, incident_id: int, reason: str, outcome: str = CANCELLED
) -> Incident:
    """Cancel or close an incident before its process ends; open tasks and timers are dropped."""
    if outcome not in END_OUTCOMES:
        raise InvalidInput(INCIDENT_INVALID_OUTCOME, fields={"outcome": INCIDENT_OUTCOMES()})
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(REASON_REQUIRED, fields={"reason": INCIDENT_END_REASON()})
    require_commander(session, actor, incident_id)
    incident = lock_incident(session, incident_id)
    registers.release_held(session=session, actor=actor, incident_id=incident_id)
    moment = now(session)
    cancelled = list(session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "ready")))
    for task in cancelled:
        task.state, task.completed_at = "cancelled", moment
    notifications.write(session, [notifications.notice(session, kind=notifications.CANCELLED, incident=incident,
                                                       task=task) for task in cancelled])
    open_phase = session.scalar(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident_id, PhaseHistory.left_at.is_(None))
    )
    if open_phase is not None:
        open_phase.left_at = moment
    incident.status, incident.phase = outcome, "closed"
    incident.ended_at, incident.end_reason = moment, reason.strip()
    incident.next_timer_at = None
    incident.version += 1
    incident.updated_at = moment
    session.add(PhaseHistory(incident_id=incident_id, phase="closed", entered_at=moment))
    audit.record(session=session, actor=actor.username, action=f"incident_{outcome}",
                 incident_id=incident_id, payload={"reason": reason.strip()})
    return incident
