"""The fault-tolerance record (容错): collecting flagged decisions for review, checking a ruling
against the one its answers propose, and recording it.

A ruling is bound to its reasons: the decision table `propose_ruling` proposes one from the
reviewer's answers to the three distinctions (三个区分开来); private gain, an express prohibition,
a knowing violation or bad faith are never excused. A ruling that departs from the proposal needs
written reasons and a reviewer of the level above who concurs; without that concurrence the
proposal stands. Every step is in the incident's audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import audit, seats
from engine.db import now
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.learning import decisions
from engine.messages import (
    DECISION_ALREADY_RULED,
    DECISION_NOT_FLAGGED,
    DECISION_NOT_IN_INCIDENT,
    OPERATOR_OBJECT,
    OPERATOR_OBJECT_FIELD,
    REVIEW_BY_MAKER,
    RULING_CONCURRENCE_LEVEL,
    RULING_DEPARTS_WITHOUT_REASONS,
    RULING_DEPARTURE_REASONS_FIELD,
    RULING_MITIGATION_REQUIRED,
    RULING_NEVER_EXCUSED,
    RULING_NEVER_EXCUSED_FIELD,
)
from engine.models import Decision, FaultToleranceReview
from engine.operators.params import choice, integer, text
from engine.operators.registry import Context, operator
from forms.messages import FIELD_REQUIRED
from forms.vocabulary import REVIEWER, RULINGS, SEAT_LEVELS, level_above


def _decision_summary(decision: Decision) -> dict[str, Any]:
    return {"decision_id": decision.id, "decided_by": decision.decided_by, "situation": decision.situation,
            "choice": decision.choice, "rationale": decision.rationale,
            "departs_from_plan": decision.departs_from_plan, "urgency": decision.urgency}


@operator("collect_flagged_decisions")
def collect_flagged_decisions(ctx: Context, _params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [_decision_summary(d) for d in decisions.flagged(session=ctx.session, incident_id=ctx.incident.id)]


def _reviewable(ctx: Context, params: Mapping[str, Any]) -> Decision:
    decision = ctx.session.get(Decision, integer(params, "decision_id", low=1, high=2**31))
    if decision is None or decision.incident_id != ctx.incident.id:
        raise NotFound(DECISION_NOT_IN_INCIDENT)
    if decision.flag is None:
        raise Conflict(DECISION_NOT_FLAGGED, decision_id=decision.id)
    if decision.review is not None:
        raise Conflict(DECISION_ALREADY_RULED, decision_id=decision.id)
    if text(params, "reviewer", limit=64) == decision.decided_by:
        raise Forbidden(REVIEW_BY_MAKER)
    return decision


@operator("check_ruling")
def check_ruling(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse a ruling that departs from the proposal without written reasons, excuses what can
    never be excused, or mitigates without saying what; say whether it departs."""
    decision = _reviewable(ctx, params)
    ruling, proposed = choice(params, "ruling", RULINGS), choice(params, "proposed_ruling", RULINGS)
    basis = text(params, "proposal_basis", limit=300) or ""
    reasons = text(params, "departure_reasons", optional=True)
    departs = ruling != proposed
    if departs and reasons is None:
        raise InvalidInput(RULING_DEPARTS_WITHOUT_REASONS, proposed=proposed, basis=basis, ruling=ruling,
                           fields={"departure_reasons": RULING_DEPARTURE_REASONS_FIELD(proposed=proposed)})
    if ruling == "excused" and params.get("never_excused") is True:
        raise InvalidInput(RULING_NEVER_EXCUSED, basis=basis, fields={"ruling": RULING_NEVER_EXCUSED_FIELD()})
    if ruling == "mitigated" and text(params, "mitigation", optional=True) is None:
        raise InvalidInput(RULING_MITIGATION_REQUIRED, fields={"mitigation": FIELD_REQUIRED()})
    audit.record(session=ctx.session, actor=text(params, "reviewer", limit=64) or ctx.actor.username,
                 action="ruling_proposed", incident_id=ctx.incident.id,
                 payload={"decision_id": decision.id, "proposed_ruling": proposed, "basis": basis,
                          "ruling": ruling, "departs": departs, "departure_reasons": reasons})
    return {"departs": departs}


def _concurring(ctx: Context, params: Mapping[str, Any], departs: bool) -> tuple[bool, str | None]:
    """Whether a departure stands: a reviewer of the level above concurred (checked here too, so a
    model cannot route the concurrence to a seat of the same level)."""
    if not departs:
        return False, None
    username = text(params, "concurred_by", limit=64)
    above = level_above(REVIEWER)
    held = seats.roles_of(session=ctx.session, user_id=seats.get_user(session=ctx.session, username=username or "").id)
    if not any(SEAT_LEVELS.get(seat) == above for seat in held):
        raise Forbidden(RULING_CONCURRENCE_LEVEL, level=above or "")
    return params.get("concurs") is True, username


@operator("record_ruling")
def record_ruling(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Record the ruling in force: the reviewer's, or the proposal where a departure was not
    concurred with. The reviewer is never the decision's maker."""
    decision = _reviewable(ctx, params)
    reviewer = text(params, "reviewer", limit=64) or ""
    proposed = choice(params, "proposed_ruling", RULINGS)
    ruling = choice(params, "ruling", RULINGS)
    concurs, concurred_by = _concurring(ctx, params, ruling != proposed)
    final = ruling if ruling == proposed or concurs else proposed
    criteria = params.get("criteria")
    if not isinstance(criteria, Mapping):
        raise InvalidInput(OPERATOR_OBJECT, name="criteria", fields={"criteria": OPERATOR_OBJECT_FIELD()})
    review = FaultToleranceReview(
        decision_id=decision.id, incident_id=ctx.incident.id, reviewer=reviewer, ruling=final,
        reasoning=text(params, "reasoning") or "", criteria=dict(criteria),
        maker_statement=text(params, "maker_statement", optional=True), ruled_at=now(ctx.session),
        proposed_ruling=proposed, departure_reasons=text(params, "departure_reasons", optional=True),
        concurred_by=concurred_by if concurs else None,
        mitigation=text(params, "mitigation", optional=True) if final == "mitigated" else None,
        complaint_received=params.get("complaint_received") is True,
    )
    ctx.session.add(review)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=reviewer or ctx.actor.username, action="fault_tolerance_ruling",
                 incident_id=ctx.incident.id,
                 payload={"review_id": review.id, "decision_id": decision.id, "ruling": final,
                          "proposed_ruling": proposed, "reviewer_ruling": ruling,
                          "departure_reasons": review.departure_reasons, "second_reviewer": concurred_by,
                          "second_reviewer_concurs": concurs if concurred_by else None,
                          "mitigation": review.mitigation, "complaint_received": review.complaint_received,
                          "reasoning": review.reasoning, "criteria": review.criteria})
    return {"review_id": review.id, "ruling": final}
