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
from engine.learning import orders as order_checks
from engine.learning.fields import TEXT_LIMIT, checked_text
from engine.messages import (
    DECISION_ALREADY_FLAGGED,
    DECISION_COMMANDER_ONLY,
    DECISION_COMPLETES,
    DECISION_DEPARTS_FROM_PLAN,
    DECISION_FLAG_FORBIDDEN,
    DECISION_FLAG_REASON,
    DECISION_NOT_FOUND,
    DECISION_NOT_IN_INCIDENT,
    DECISION_NOT_VALID,
    DECISION_OPTIONS_FORMAT,
    DECISION_OPTIONS_LIMIT,
    DECISION_UNKNOWN,
    REASON_REQUIRED,
)
from engine.models import Decision, DecisionFlag, DecisionOrder, FaultToleranceReview
from forms.i18n import one_of
from forms.messages import FIELD_ONE_OF, Message
from forms.vocabulary import DECISION_KINDS, REVIEWER, URGENCIES

_OPTIONS_LIMIT = 20


def record(
    *, session: Session, actor: Actor, incident_id: int, situation: str, choice: str, rationale: str,
    authority_basis: str, options_considered: list[str] | None = None, expected_effect: str | None = None,
    departs_from_plan: bool = False, urgency: str = "urgent", kind: str = "decision",
    supersedes_id: int | None = None, orders: list[dict[str, Any]] | None = None,
) -> Decision:
    """Record a decision with the orders it gives (seat, instruction, due time), stored as rows;
    `engine.incidents.orders.decide` records and sends them into the workflow as tasks."""
    if not seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=incident_id):
        raise Forbidden(DECISION_COMMANDER_ONLY)
    fields: dict[str, Message] = {}
    values = {name: checked_text(fields, name, value) for name, value in (
        ("situation", situation), ("choice", choice), ("rationale", rationale),
        ("authority_basis", authority_basis))}
    effect = checked_text(fields, "expected_effect", expected_effect, required=False)
    options = options_considered or []
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        fields["options_considered"] = DECISION_OPTIONS_FORMAT()
    elif len(options) > _OPTIONS_LIMIT:
        fields["options_considered"] = DECISION_OPTIONS_LIMIT(limit=_OPTIONS_LIMIT)
    if urgency not in URGENCIES:
        fields["urgency"] = one_of(URGENCIES, kind="urgency")
    if kind not in DECISION_KINDS:
        fields["kind"] = FIELD_ONE_OF(choices=", ".join(DECISION_KINDS))
    if kind != "decision" and supersedes_id is None:
        fields["supersedes_id"] = DECISION_COMPLETES(kind=kind)
    drafts = order_checks.check(fields, orders, now=now(session))
    if fields:
        raise InvalidInput(DECISION_NOT_VALID, fields=fields)
    incident = lock_incident(session, incident_id)
    if supersedes_id is not None:
        earlier = session.get(Decision, supersedes_id)
        if earlier is None or earlier.incident_id != incident_id:
            raise InvalidInput(DECISION_UNKNOWN, fields={"supersedes_id": DECISION_NOT_IN_INCIDENT()})
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
    for draft in drafts:
        session.add(DecisionOrder(decision_id=decision.id, incident_id=incident_id, seat=draft.seat,
                                  instruction=draft.instruction, due_at=draft.due_at))
    if drafts:
        session.flush()
        session.refresh(decision)
    audit.record(session=session, actor=actor.username, action="decision_recorded", incident_id=incident_id,
                 payload={"decision_id": decision.id, "kind": kind, "situation": decision.situation,
                          "choice": decision.choice, "rationale": decision.rationale,
                          "authority_basis": decision.authority_basis,
                          "options_considered": decision.options_considered,
                          "departs_from_plan": decision.departs_from_plan, "urgency": urgency,
                          "supersedes_id": supersedes_id, "response_level": decision.response_level,
                          "orders": [{"order_id": o.id, "seat": o.seat, "instruction": o.instruction,
                                      "due_at": o.due_at.isoformat()} for o in decision.orders]})
    if decision.departs_from_plan:
        _flag(session, decision, actor, str(DECISION_DEPARTS_FROM_PLAN()))
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
        raise Forbidden(DECISION_FLAG_FORBIDDEN)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(REASON_REQUIRED, fields={"reason": DECISION_FLAG_REASON()})
    lock_incident(session, decision.incident_id, must_be_active=False)
    if decision.flag is not None:
        raise Conflict(DECISION_ALREADY_FLAGGED, decision_id=decision_id)
    return _flag(session, decision, actor, reason.strip()[:TEXT_LIMIT])


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
        raise NotFound(DECISION_NOT_FOUND, decision_id=decision_id)
    return decision
