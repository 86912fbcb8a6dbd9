"""Incidents: start one from a definition, read its state, advance it by message, end it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine import audit, definitions, seats
from engine.actors import Actor
from engine.db import now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.incident_lock import ACTIVE, CANCELLED, CLOSED, lock_incident
from engine.incident_sync import Locked, run_command, sync
from engine.models import EmergencyPlan, HumanTask, Incident, PhaseHistory, ProcessDefinition, ReferenceCounter
from engine.operators import dispatcher_for
from engine.workflow_store import start_runtime
from forms import available_form_keys, validate

CATEGORIES = ("natural_disaster", "accident_disaster", "public_health", "social_security")
STATUSES = (ACTIVE, CLOSED, CANCELLED, "failed")
MAX_ID = 2**31 - 1
_VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


#: Reference prefixes of the bundled processes; any other process gets "PRC".
PREFIXES = {"incident_lifecycle": "INC", "community_incident": "INC", "hazard_screening": "HZS",
            "early_warning": "EW", "emergency_drill": "DRL", "plan_revision": "PLN"}


def _next_reference(session: Session, process_id: str, year: int) -> str:
    """INC-<year>-<n>: an atomic upsert, safe under concurrent starts on both databases."""
    scope = f"{PREFIXES.get(process_id, 'PRC')}-{year}"
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        dialect_insert(ReferenceCounter).values(scope=scope, last=1)
        .on_conflict_do_update(index_elements=["scope"], set_={"last": ReferenceCounter.last + 1})
        .returning(ReferenceCounter.last)
    )
    number = session.execute(statement).scalar_one()
    return f"{scope}-{number:04d}"


def _check_start_input(title: str, category: str, unit: str, data: Any) -> None:
    fields: dict[str, str] = {}
    if not isinstance(title, str) or not title.strip():
        fields["title"] = "a title is required"
    elif len(title) > 200:
        fields["title"] = "at most 200 characters"
    if category not in CATEGORIES:
        fields["category"] = f"must be one of {', '.join(CATEGORIES)}"
    if not isinstance(unit, str) or not unit.strip():
        fields["unit"] = "the governance unit (e.g. a residential compound) is required"
    elif len(unit) > 200:
        fields["unit"] = "at most 200 characters"
    if not isinstance(data, dict):
        fields["data"] = "must be an object"
    else:
        for key in data:
            if not isinstance(key, str) or not _VARIABLE.match(key):
                fields[f"data.{key}"] = "variable names are letters, digits and '_', starting with a letter"
    if fields:
        raise InvalidInput("the incident cannot be started: " + "; ".join(f"{k}: {v}" for k, v in fields.items()),
                           fields=fields)


def start(
    *, session: Session, actor: Actor, process_id: str, title: str, category: str, unit: str,
    exercise: bool = False, data: dict[str, Any] | None = None, definition_version: int | None = None,
) -> Incident:
    """Report an incident (or start any deployed process) — duty officers and commanders."""
    data = {} if data is None else data
    _check_start_input(title, category, unit, data)
    if not actor.is_admin and not any(
        seats.holds(session=session, actor=actor, role=role, incident_id=None) for role in seats.START_ROLES
    ):
        raise Forbidden("only a duty officer or a commander can report an incident")
    definition = definitions.get(session=session, process_id=process_id, version=definition_version)
    return start_instance(session=session, actor=actor, definition=definition, title=title, category=category,
                          unit=unit, exercise=exercise, data=data)


def current_plan(*, session: Session, unit: str) -> EmergencyPlan | None:
    """The unit's emergency plan in force: its newest published version."""
    return session.scalars(
        select(EmergencyPlan).where(EmergencyPlan.unit == unit).order_by(EmergencyPlan.version.desc()).limit(1)
    ).first()


def start_instance(
    *, session: Session, actor: Actor, definition: ProcessDefinition, title: str, category: str, unit: str,
    exercise: bool, data: dict[str, Any], parent_id: int | None = None,
) -> Incident:
    """Start a process instance without the seat check: also used by operators inside a command."""
    _check_start_input(title, category, unit, data)
    moment = now(session)
    reference = _next_reference(session, definition.process_id, moment.year)
    plan = current_plan(session=session, unit=unit.strip())
    variables = {
        **data, "incident_reference": reference, "incident_title": title.strip(),
        "incident_category": category, "unit": unit.strip(), "exercise": bool(exercise),
        "plan": {"plan_id": plan.id, "version": plan.version, "summary": plan.summary} if plan else None,
    }
    incident = Incident(
        reference=reference, title=title.strip(), category=category, unit=unit.strip(),
        exercise=bool(exercise), phase="response", status=ACTIVE, response_level=None,
        definition_id=definition.id, parent_id=parent_id, version=0, next_timer_at=None, workflow_meta={},
        created_by=actor.username, created_at=moment, updated_at=moment,
    )
    session.add(incident)
    session.flush()
    audit.record(session=session, actor=actor.username, action="incident_started", incident_id=incident.id,
                 payload={"reference": reference, "title": incident.title, "category": category,
                          "unit": incident.unit, "exercise": incident.exercise,
                          "process_id": definition.process_id, "version": definition.version,
                          "parent_id": parent_id, "plan_version": plan.version if plan else None,
                          "data": data})
    runtime = start_runtime(specs_json=definition.spec_json, data=variables, now=session.info["clock"].now,
                            dispatcher=dispatcher_for(session, incident, actor))
    incident.phase = runtime.phase() or "response"
    session.add(PhaseHistory(incident_id=incident.id, phase=incident.phase, entered_at=moment))
    sync(session, incident, runtime, actor)
    return incident


def get(*, session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    return incident


def get_by_reference(*, session: Session, reference: str) -> Incident:
    incident = session.scalar(select(Incident).where(Incident.reference == reference))
    if incident is None:
        raise NotFound(f"no incident '{reference}'")
    return incident


def resolve(*, session: Session, ref: str | int) -> Incident:
    """An incident by numeric id or by reference such as INC-2026-0007."""
    if isinstance(ref, str) and ref.isascii() and ref.isdigit():
        ref = int(ref)
    if isinstance(ref, int):
        if not 0 < ref <= MAX_ID:
            raise NotFound(f"no incident {ref}")
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
                   t.get("attached_to"))
        for t in views.get("timers", [])
    ]
    history = list(session.scalars(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident_id).order_by(PhaseHistory.id)
    ))
    commanders = [u.username for u in seats.holders(session=session, role=seats.COMMANDER,
                                                      incident_id=incident_id)]
    return IncidentState(incident, tasks, timers, list(views.get("messages", [])), history, commanders)


def _require_commander(session: Session, actor: Actor, incident_id: int) -> None:
    if actor.is_admin:
        return
    if not seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=incident_id):
        raise Forbidden("only the incident's commander can do this")


def send_message(
    *, session: Session, actor: Actor, incident_id: int, name: str, payload: dict[str, Any] | None = None
) -> Incident:
    """How a commander advances an incident (e.g. `response_over`)."""
    payload = {} if payload is None else payload
    if not isinstance(name, str) or not _VARIABLE.match(name):
        raise InvalidInput("invalid message name", fields={"name": "a message name such as 'response_over'"})
    if not isinstance(payload, dict):
        raise InvalidInput("invalid payload", fields={"payload": "must be an object"})
    if f"message_{name}" in available_form_keys():  # messages with a schema get checked like forms
        errors = validate(f"message_{name}", payload)
        if errors:
            raise InvalidInput(f"the payload of '{name}' is not valid",
                               fields={f"payload.{k}" if k else "payload": v for k, v in errors.items()})
    _require_commander(session, actor, incident_id)

    def change(locked: Locked) -> None:
        locked.runtime.send_message(name, payload)
        audit.record(session=session, actor=actor.username, action="message_received",
                     incident_id=incident_id, payload={"name": name, "payload": payload})

    return run_command(session, incident_id, actor, change)


def end(
    *, session: Session, actor: Actor, incident_id: int, reason: str, outcome: str = CANCELLED
) -> Incident:
    """Cancel or close an incident before its process ends; open tasks and timers are dropped."""
    if outcome not in (CANCELLED, CLOSED):
        raise InvalidInput("invalid outcome", fields={"outcome": "must be 'cancelled' or 'closed'"})
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a reason is required", fields={"reason": "say why the incident ends"})
    _require_commander(session, actor, incident_id)
    incident = lock_incident(session, incident_id)
    moment = now(session)
    for task in session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "ready")
    ):
        task.state, task.completed_at = "cancelled", moment
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
