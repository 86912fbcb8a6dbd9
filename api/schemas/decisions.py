"""On-scene decisions (临场决策)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import (
    MAX_ID,
    DecisionKind,
    LongText,
    OrderSeat,
    RequestModel,
    ResponseModel,
    Urgency,
    text,
)


class GiveOrder(RequestModel):
    """An order the decision gives: a seat acts on an instruction by a due time (a task for that seat)."""

    seat: OrderSeat  # type: ignore[valid-type]
    instruction: LongText
    due_at: datetime = Field(description="When it must be done: ISO-8601 with its time zone, later than now.")


class RecordDecision(RequestModel):
    situation: LongText
    choice: LongText
    rationale: LongText
    authority_basis: LongText = Field(description="Response level, plan clause or delegation acted under.")
    options_considered: list[text(4000, 1)] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=20)
    expected_effect: text(4000) | None = None  # type: ignore[valid-type]
    departs_from_plan: bool = Field(False, description="True flags it for fault-tolerance review 容错.")
    urgency: Urgency = "urgent"  # type: ignore[valid-type]
    kind: DecisionKind = "decision"  # type: ignore[valid-type]
    supersedes_id: int | None = Field(None, ge=1, le=MAX_ID,
                                      description="For a correction or outcome: the decision it completes.")
    orders: list[GiveOrder] = Field(default_factory=list, max_length=10,
                                    description="Orders to seats (指挥有关部门直接行动); each becomes a task.")


class FlagDecision(RequestModel):
    reason: LongText = Field(description="Why the decision needs a fault-tolerance review.")


class DecisionFlagOut(ResponseModel):
    """A decision entering the fault-tolerance record 容错."""

    id: int
    decision_id: int
    incident_id: int
    flagged_by: str
    reason: str
    flagged_at: datetime


class ReviewOut(ResponseModel):
    """A ruling on a flagged decision: excused 免责, mitigated 从轻/减轻 or accountable 追责."""

    id: int
    decision_id: int
    incident_id: int
    reviewer: str
    ruling: str
    reasoning: str
    criteria: dict[str, Any]
    maker_statement: str | None
    ruled_at: datetime
    proposed_ruling: str | None = Field(None, description="What the decision table proposed from the answers.")
    departure_reasons: str | None = Field(None, description="Written reasons for departing from the proposal.")
    concurred_by: str | None = Field(None, description="The reviewer of the level above who concurred.")
    mitigation: str | None = Field(None, description="What a mitigated ruling reduces.")
    complaint_received: bool = Field(False, description="The decision drew a complaint (excused: 澄清正名).")


class OrderOut(ResponseModel):
    """An order and where it stands, read from the task it became."""

    id: int
    seat: str
    instruction: str
    due_at: datetime
    task_id: str | None = Field(description="The task the order became.")
    status: str = Field(description="open, done or cancelled; an open order past `due_at` is late.")
    completed_by: str | None
    completed_at: datetime | None
    done_late: bool
    report: dict[str, Any] = Field(description="What the seat reported doing.")


class DecisionOut(ResponseModel):
    id: int
    incident_id: int
    decided_by: str
    decided_at: datetime
    authority_basis: str
    response_level: str | None
    situation: str
    options_considered: list[str]
    choice: str
    rationale: str
    expected_effect: str | None
    departs_from_plan: bool
    urgency: str
    supersedes_id: int | None
    kind: str
    flagged_for_review: bool
    flag: DecisionFlagOut | None = Field(None, description="Why and by whom it was flagged for review.")
    review: ReviewOut | None = Field(None, description="The fault-tolerance ruling, once made.")
    orders: list[OrderOut] = Field(default_factory=list, description="The orders it gave, with where each stands.")
