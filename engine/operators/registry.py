"""Operators: what a model's service tasks may do to the engine's own tables.

Each operator runs inside the command that reached its service task, with that command's
session, incident and actor, so its writes commit or roll back with everything else. Parameters
come from the model's (sandboxed) expressions and are checked here like any other input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine import audit, decisions, seats
from engine.actors import Actor
from engine.db import now
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Decision,
    EmergencyPlan,
    FaultToleranceReview,
    Hazard,
    ImprovementAction,
    Incident,
    RoleAssignment,
)
from engine.workflow import Dispatcher

RULINGS = ("excused", "mitigated", "accountable")
FACILITIES = ("house", "building", "gas", "electricity", "living_facility", "vulnerable_resident")
HAZARD_GRADES = ("major", "general")
HAZARD_STATUSES = ("open", "rectifying", "rectified", "escalated", "verified", "closed")
ACTION_SOURCES = ("after_action_review", "drill")


@dataclass(frozen=True)
class Context:
    session: Session
    incident: Incident
    actor: Actor


Operator = Callable[[Context, Mapping[str, Any]], Any]
OPERATORS: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(func: Operator) -> Operator:
        OPERATORS[name] = func
        return func
    return register


def dispatcher_for(session: Session, incident: Incident, actor: Actor) -> Dispatcher:
    context = Context(session, incident, actor)

    def dispatch(name: str, params: dict[str, Any], _data: Mapping[str, Any]) -> Any:
        func = OPERATORS.get(name)
        if func is None:
            raise InvalidInput(f"the model calls an unknown operator '{name}'", fields={"operator": name})
        return func(context, params)

    return dispatch


# --- parameter checks ---------------------------------------------------------------------------
def _text(params: Mapping[str, Any], name: str, *, limit: int = 4000, optional: bool = False) -> str | None:
    value = params.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"operator parameter '{name}' must be non-empty text", fields={name: "required text"})
    if len(value) > limit:
        raise InvalidInput(f"operator parameter '{name}' is too long", fields={name: f"at most {limit} characters"})
    return value.strip()


def _choice(params: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = params.get(name)
    if value not in choices:
        raise InvalidInput(f"operator parameter '{name}' must be one of {', '.join(choices)}",
                           fields={name: f"one of {', '.join(choices)}"})
    return str(value)


def _int(params: Mapping[str, Any], name: str, *, low: int = 0, high: int = 3650) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"operator parameter '{name}' must be a whole number from {low} to {high}",
                           fields={name: f"whole number {low}–{high}"})
    return value


def _list(params: Mapping[str, Any], name: str, *, limit: int = 500) -> list[Mapping[str, Any]]:
    value = params.get(name)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(f"operator parameter '{name}' must be a list of objects", fields={name: "list of objects"})
    if len(value) > limit:
        raise InvalidInput(f"operator parameter '{name}' has too many items", fields={name: f"at most {limit}"})
    return value


# --- command and fault tolerance ----------------------------------------------------------------
@operator("seat_commander")
def seat_commander(ctx: Context, params: Mapping[str, Any]) -> dict[str, str]:
    """Seat the on-scene commander chosen for the level; re-seating replaces the previous one."""
    username = _text(params, "username", limit=64)
    seat = _text(params, "seat", limit=64)
    assert username is not None and seat is not None
    if not seat.endswith("_commander"):
        raise InvalidInput("the command seat must be a *_commander seat", fields={"seat": seat})
    user = seats.get_user(session=ctx.session, username=username)
    if seat not in seats.roles_of(session=ctx.session, user_id=user.id):
        raise InvalidInput(f"{username} does not hold the seat '{seat}'",
                           fields={"username": f"must hold the seat '{seat}'"})
    ctx.session.execute(delete(RoleAssignment).where(
        RoleAssignment.incident_id == ctx.incident.id, RoleAssignment.role == seats.COMMANDER,
        RoleAssignment.user_id != user.id))
    already = ctx.session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.incident_id == ctx.incident.id, RoleAssignment.role == seats.COMMANDER,
        RoleAssignment.user_id == user.id))
    if already is None:
        ctx.session.add(RoleAssignment(user_id=user.id, role=seats.COMMANDER, incident_id=ctx.incident.id,
                                       granted_by=ctx.actor.username, granted_at=now(ctx.session)))
    audit.record(session=ctx.session, actor=ctx.actor.username, action="commander_seated",
                 incident_id=ctx.incident.id, payload={"username": username, "seat": seat})
    return {"username": username, "seat": seat}


def _decision_summary(decision: Decision) -> dict[str, Any]:
    return {"decision_id": decision.id, "decided_by": decision.decided_by, "situation": decision.situation,
            "choice": decision.choice, "rationale": decision.rationale,
            "departs_from_plan": decision.departs_from_plan, "urgency": decision.urgency}


@operator("collect_flagged_decisions")
def collect_flagged_decisions(ctx: Context, _params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_decision_summary(d) for d in decisions.flagged(session=ctx.session, incident_id=ctx.incident.id)]


@operator("record_ruling")
def record_ruling(ctx: Context, params: Mapping[str, Any]) -> dict[str, int]:
    """A fault-tolerance ruling on one flagged decision; the reviewer is never its maker."""
    decision = ctx.session.get(Decision, _int(params, "decision_id", low=1, high=2**31))
    if decision is None or decision.incident_id != ctx.incident.id:
        raise NotFound("no such decision in this incident")
    if decision.flag is None:
        raise Conflict(f"decision {decision.id} was not flagged for review")
    reviewer = _text(params, "reviewer", limit=64)
    if reviewer == decision.decided_by:
        raise Forbidden("the reviewer of a decision cannot be the person who made it")
    if decision.review is not None:
        raise Conflict(f"decision {decision.id} already has a ruling")
    criteria = params.get("criteria")
    if not isinstance(criteria, Mapping):
        raise InvalidInput("operator parameter 'criteria' must be an object", fields={"criteria": "object"})
    review = FaultToleranceReview(
        decision_id=decision.id, incident_id=ctx.incident.id, reviewer=reviewer or "",
        ruling=_choice(params, "ruling", RULINGS), reasoning=_text(params, "reasoning") or "",
        criteria=dict(criteria), maker_statement=_text(params, "maker_statement", optional=True),
        ruled_at=now(ctx.session),
    )
    ctx.session.add(review)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=reviewer or ctx.actor.username, action="fault_tolerance_ruling",
                 incident_id=ctx.incident.id,
                 payload={"review_id": review.id, "decision_id": decision.id, "ruling": review.ruling,
                          "reasoning": review.reasoning, "criteria": review.criteria})
    return {"review_id": review.id}


# --- hazard register ----------------------------------------------------------------------------
def _hazard_view(hazard: Hazard) -> dict[str, Any]:
    return {"hazard_id": hazard.id, "grade": hazard.grade, "owner_seat": hazard.owner_seat,
            "deadline": hazard.deadline.isoformat(), "location": hazard.location,
            "description": hazard.description, "status": hazard.status}


@operator("register_hazards")
def register_hazards(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    unit = _text(params, "unit", limit=200)
    moment = now(ctx.session)
    created = []
    for index, finding in enumerate(_list(params, "findings")):
        try:
            hazard = Hazard(
                incident_id=ctx.incident.id, unit=unit, location=_text(finding, "location", limit=300),
                facility=_choice(finding, "facility", FACILITIES),
                description=_text(finding, "description"), grade=_choice(finding, "grade", HAZARD_GRADES),
                owner_seat=_text(finding, "owner_seat", limit=64),
                deadline=moment + timedelta(days=_int(finding, "rectify_within_days", low=0, high=365)),
                status="open", note=None, found_by=ctx.actor.username, found_at=moment, updated_at=moment,
            )
        except InvalidInput as exc:
            raise InvalidInput(f"finding {index + 1}: {exc.message}",
                               fields={f"findings.{index}.{k}": v for k, v in exc.fields.items()}) from exc
        ctx.session.add(hazard)
        created.append(hazard)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=ctx.actor.username, action="hazards_registered",
                 incident_id=ctx.incident.id,
                 payload={"hazards": [_hazard_view(h) for h in created], "unit": unit})
    return [_hazard_view(h) for h in created]


@operator("update_hazard")
def update_hazard(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    hazard = ctx.session.get(Hazard, _int(params, "hazard_id", low=1, high=2**31))
    if hazard is None:
        raise NotFound("no such hazard")
    before = hazard.status
    hazard.status = _choice(params, "status", HAZARD_STATUSES)
    hazard.note = _text(params, "note", optional=True)
    hazard.updated_at = now(ctx.session)
    audit.record(session=ctx.session, actor=ctx.actor.username, action="hazard_updated",
                 incident_id=ctx.incident.id,
                 payload={"hazard_id": hazard.id, "from": before, "to": hazard.status, "note": hazard.note})
    return {"hazard_id": hazard.id, "status": hazard.status}


# --- learning: improvement actions and plans ------------------------------------------------------
@operator("record_improvement_actions")
def record_improvement_actions(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Store each action and start the plan_revision that carries it back into the unit's plan."""
    from engine import definitions, incidents  # incidents imports this module

    source = _choice(params, "source", ACTION_SOURCES)
    moment = now(ctx.session)
    revision = definitions.get(session=ctx.session, process_id="plan_revision")
    results = []
    for item in _list(params, "actions", limit=50):
        action = ImprovementAction(
            incident_id=ctx.incident.id, source=source, title=_text(item, "title", limit=300) or "",
            owner_seat=_text(item, "owner_seat", limit=64) or "", plan_unit=_text(item, "plan_unit", limit=200) or "",
            due_at=moment + timedelta(days=_int(item, "due_in_days", low=1, high=730)), status="open",
            created_by=ctx.actor.username, created_at=moment, done_at=None,
        )
        ctx.session.add(action)
        ctx.session.flush()
        child = incidents.start_instance(
            session=ctx.session, actor=ctx.actor, definition=revision, title=f"Plan revision: {action.title}"[:200],
            category=ctx.incident.category, unit=action.plan_unit, exercise=False, parent_id=ctx.incident.id,
            data={"improvement_action_id": action.id, "action_title": action.title,
                  "owner_seat": action.owner_seat, "due_at": action.due_at.isoformat()},
        )
        action.revision_incident_id = child.id
        audit.record(session=ctx.session, actor=ctx.actor.username, action="improvement_action_recorded",
                     incident_id=ctx.incident.id,
                     payload={"action_id": action.id, "title": action.title, "owner_seat": action.owner_seat,
                              "due_at": action.due_at.isoformat(), "plan_unit": action.plan_unit,
                              "plan_revision": child.reference})
        results.append({"action_id": action.id, "plan_revision": child.reference})
    return results


@operator("publish_plan")
def publish_plan(ctx: Context, params: Mapping[str, Any]) -> dict[str, int]:
    """A new version of the unit's plan (一点一案); drafted and approved by two different people."""
    unit = _text(params, "unit", limit=200)
    drafted_by = _text(params, "drafted_by", limit=64)
    approved_by = _text(params, "approved_by", limit=64)
    if drafted_by == approved_by:
        raise Forbidden("a plan cannot be approved by the person who drafted it")
    action_id = params.get("improvement_action_id")
    action = None
    if action_id is not None:
        action = ctx.session.get(ImprovementAction, _int(params, "improvement_action_id", low=1, high=2**31))
        if action is None:
            raise NotFound("no such improvement action")
    version = (ctx.session.scalar(select(func.max(EmergencyPlan.version)).where(EmergencyPlan.unit == unit)) or 0) + 1
    plan = EmergencyPlan(
        unit=unit, version=version, summary=_text(params, "summary", limit=2000), content=_text(params, "content",
                                                                                                limit=50_000),
        drafted_by=drafted_by, approved_by=approved_by, improvement_action_id=action.id if action else None,
        revision_incident_id=ctx.incident.id, published_at=now(ctx.session),
    )
    ctx.session.add(plan)
    if action is not None:
        action.status, action.done_at = "done", now(ctx.session)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=ctx.actor.username, action="plan_published",
                 incident_id=ctx.incident.id,
                 payload={"plan_id": plan.id, "unit": unit, "version": version, "drafted_by": drafted_by,
                          "approved_by": approved_by, "improvement_action_id": plan.improvement_action_id})
    return {"plan_id": plan.id, "version": version}


@operator("start_incident")
def start_incident(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Start an incident_lifecycle linked to this process (an early warning becoming an incident)."""
    from engine import definitions, incidents

    data = params.get("data") or {}
    if not isinstance(data, Mapping):
        raise InvalidInput("operator parameter 'data' must be an object", fields={"data": "object"})
    child = incidents.start_instance(
        session=ctx.session, actor=ctx.actor,
        definition=definitions.get(session=ctx.session, process_id="incident_lifecycle"),
        title=_text(params, "title", limit=200) or "", category=_choice(params, "category", incidents.CATEGORIES),
        unit=_text(params, "unit", limit=200) or "", exercise=bool(params.get("exercise", False)),
        data=dict(data), parent_id=ctx.incident.id,
    )
    return {"reference": child.reference, "incident_id": child.id}
