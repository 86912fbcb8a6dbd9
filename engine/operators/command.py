"""Command operators: seat the on-scene commander, and the fault-tolerance record (容错) —
collecting flagged decisions for review and recording a ruling on one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from engine import audit, seats
from engine.db import now
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.learning import decisions
from engine.messages import (
    COMMAND_SEAT,
    COMMAND_SEAT_FIELD,
    DECISION_ALREADY_RULED,
    DECISION_NOT_FLAGGED,
    DECISION_NOT_IN_INCIDENT,
    OPERATOR_OBJECT,
    OPERATOR_OBJECT_FIELD,
    REVIEW_BY_MAKER,
    SEAT_MUST_HOLD,
    SEAT_NOT_HELD,
)
from engine.models import Decision, FaultToleranceReview, RoleAssignment
from engine.operators.params import choice, integer, text
from engine.operators.registry import Context, operator
from forms.vocabulary import RULINGS


@operator("seat_commander")
def seat_commander(ctx: Context, params: Mapping[str, Any]) -> dict[str, str]:
    """Seat the on-scene commander chosen for the level; re-seating replaces the previous one."""
    username = text(params, "username", limit=64)
    seat = text(params, "seat", limit=64)
    assert username is not None and seat is not None
    if not seat.endswith("_commander"):
        raise InvalidInput(COMMAND_SEAT, fields={"seat": COMMAND_SEAT_FIELD(seat=seat)})
    user = seats.get_user(session=ctx.session, username=username)
    if seat not in seats.roles_of(session=ctx.session, user_id=user.id):
        raise InvalidInput(SEAT_NOT_HELD, username=username, role=seat, fields={"username": SEAT_MUST_HOLD(role=seat)})
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
    decision = ctx.session.get(Decision, integer(params, "decision_id", low=1, high=2**31))
    if decision is None or decision.incident_id != ctx.incident.id:
        raise NotFound(DECISION_NOT_IN_INCIDENT)
    if decision.flag is None:
        raise Conflict(DECISION_NOT_FLAGGED, decision_id=decision.id)
    reviewer = text(params, "reviewer", limit=64)
    if reviewer == decision.decided_by:
        raise Forbidden(REVIEW_BY_MAKER)
    if decision.review is not None:
        raise Conflict(DECISION_ALREADY_RULED, decision_id=decision.id)
    criteria = params.get("criteria")
    if not isinstance(criteria, Mapping):
        raise InvalidInput(OPERATOR_OBJECT, name="criteria", fields={"criteria": OPERATOR_OBJECT_FIELD()})
    review = FaultToleranceReview(
        decision_id=decision.id, incident_id=ctx.incident.id, reviewer=reviewer or "",
        ruling=choice(params, "ruling", RULINGS), reasoning=text(params, "reasoning") or "",
        criteria=dict(criteria), maker_statement=text(params, "maker_statement", optional=True),
        ruled_at=now(ctx.session),
    )
    ctx.session.add(review)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=reviewer or ctx.actor.username, action="fault_tolerance_ruling",
                 incident_id=ctx.incident.id,
                 payload={"review_id": review.id, "decision_id": decision.id, "ruling": review.ruling,
                          "reasoning": review.reasoning, "criteria": review.criteria})
    return {"review_id": review.id}
