"""On-scene decisions (临场决策): recorded by the incident's commander, never changed.

A correction or an observed outcome is a new row pointing at the decision it completes. A
decision that departs from the plan is flagged for fault-tolerance review (容错) at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, seats
from engine.actors import Actor
from engine.db import now
from engine.db.locking import lock_incident
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Decision, DecisionFlag, FaultToleranceReview
from forms.vocabulary import DECISION_KINDS, REVIEWER, URGENCIES

_TEXT_LIMIT = 4000


def _text(fields: dict[str, str], name: str, value: Any, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            fields[name] = "this field is required"
        return None
    if not isinstance(value, str):
        fields[name] = "must be text"
        return None
    if len(value) > _TEXT_LIMIT:
        fields[name] = f"at most {_TEXT_LIMIT} characters"
    return value.strip()


def record(
    *, session: Session, actor: Actor, incident_id: int, situation: str, choice: str, rationale: str,
    authority_basis: str, options_considered: list[str] | None = None, expected_effect: str | None = None,
    departs_from_plan: bool = False, urgency: str = "urgent", kind: str = "decision",
    supersedes_id: int | None = None,
) -> Decision:
    if not seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=incident_id):
        raise Forbidden("only the incident's on-scene commander can record decisions")
    fields: dict[str, str] = {}
    values = {name: _text(fields, name, value) for name, value in (
        ("situation", situation), ("choice", choice), ("rationale", rationale),
        ("authority_basis", authority_basis))}
    effect = _text(fields, "expected_effect", expected_effect, required=False)
    options = options_considered or []
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        fields["options_considered"] = "a list of non-empty texts"
    elif len(options) > 20:
        fields["options_considered"] = "at most 20 options"
    if urgency not in URGENCIES:
        fields["urgency"] = f"must be one of {', '.join(URGENCIES)}"
    if kind not in DECISION_KINDS:
        fields["kind"] = f"must be one of {', '.join(DECISION_KINDS)}"
    if kind != "decision" and supersedes_id is None:
        fields["supersedes_id"] = f"a {kind} must name the decision it completes"
    if fields:
        raise InvalidInput("the decision cannot be recorded", fields=fields)
    incident = lock_incident(session, incident_id)
    if supersedes_id is not None:
        earlier = session.get(Decision, supersedes_id)
        if earlier is None or earlier.incident_id != incident_id:
            raise InvalidInput("unknown decision", fields={"supersedes_id": "no such decision in this incident"})
    decision = Decision(
        incident_id=incident_id, decided_by=actor.username, decided_at=now(session),
        authority_basis=values["authority_basis"], response_level=incident.response_level,
        situation=values["situation"], options_considered=[o.strip() for o in options],
        choice=values["choice"], rationale=values["rationale"], expected_effect=effect,
        departs_from_plan=bool(departs_from_plan), urgency=urgency, supersedes_id=supersedes_id,
        kind=kind,
    )
    session.add(decision)
    session.flush()
    audit.record(session=session, actor=actor.username, action="decision_recorded", incident_id=incident_id,
                 payload={"decision_id": decision.id, "kind": kind, "situation": decision.situation,
                          "choice": decision.choice, "rationale": decision.rationale,
                          "authority_basis": decision.authority_basis,
                          "options_considered": decision.options_considered,
                          "departs_from_plan": decision.departs_from_plan, "urgency": urgency,
                          "supersedes_id": supersedes_id, "response_level": decision.response_level})
    if decision.departs_from_plan:
        _flag(session, decision, actor, "departs from the plan")
    return decision


def _flag(session: Session, decision: Decision, actor: Actor, reason: str) -> DecisionFlag:
    flag = DecisionFlag(decision_id=decision.id, incident_id=decision.incident_id, flagged_by=actor.username,
                        reason=reason, flagged_at=now(session))
    session.add(flag)
    session.flush()
    session.refresh(decision)
    audit.record(session=session, actor=actor.username, action="decision_flagged",
                 incident_id=decision.incident_id, payload={"decision_id": decision.id, "reason": reason})
    return flag


def flag(*, session: Session, actor: Actor, decision_id: int, reason: str) -> DecisionFlag:
    """Put a decision into the fault-tolerance record: its incident's commander, or a reviewer."""
    decision = get(session=session, decision_id=decision_id)
    may = seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=decision.incident_id) or \
        seats.holds(session=session, actor=actor, role=REVIEWER, incident_id=decision.incident_id)
    if not may:
        raise Forbidden("only the incident's commander or a reviewer can flag a decision for review")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a reason is required", fields={"reason": "say why the decision needs review"})
    lock_incident(session, decision.incident_id, must_be_active=False)
    if decision.flag is not None:
        raise Conflict(f"decision {decision_id} is already flagged for review")
    return _flag(session, decision, actor, reason.strip()[:_TEXT_LIMIT])


def flagged(*, session: Session, incident_id: int) -> list[Decision]:
    return list(session.scalars(
        select(Decision).join(DecisionFlag, DecisionFlag.decision_id == Decision.id)
        .where(Decision.incident_id == incident_id).order_by(Decision.id)
    ))


def reviews(*, session: Session, incident_id: int | None = None) -> list[FaultToleranceReview]:
    query = select(FaultToleranceReview).order_by(FaultToleranceReview.id)
    if incident_id is not None:
        query = query.where(FaultToleranceReview.incident_id == incident_id)
    return list(session.scalars(query))


def list_for(*, session: Session, incident_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.incident_id == incident_id).order_by(Decision.id)))


def get(*, session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id}")
    return decision
