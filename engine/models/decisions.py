"""On-scene decisions (临场决策): rows that are never changed; a correction is a new row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, JSONType


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]
    #: Response level in force, plan clause, or delegation the commander acted under.
    authority_basis: Mapped[str] = mapped_column(Text)
    response_level: Mapped[str | None] = mapped_column(String(4))
    situation: Mapped[str] = mapped_column(Text)
    options_considered: Mapped[list[str]] = mapped_column(JSONType)
    choice: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    expected_effect: Mapped[str | None] = mapped_column(Text)
    departs_from_plan: Mapped[bool] = mapped_column(default=False)
    urgency: Mapped[str] = mapped_column(String(16))
    #: A correction or an observed outcome points at the decision it completes.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(16), default="decision")
    flag: Mapped[DecisionFlag | None] = relationship(lazy="selectin", viewonly=True)
    review: Mapped[FaultToleranceReview | None] = relationship(lazy="selectin", viewonly=True)

    @property
    def flagged_for_review(self) -> bool:
        return self.flag is not None


class DecisionFlag(Base):
    """A decision entering the fault-tolerance record (容错): by departing from the plan, or
    flagged by the commander or a reviewer. Decisions themselves are never changed."""

    __tablename__ = "decision_flags"
    __table_args__ = (UniqueConstraint("decision_id", name="uq_decision_flags_decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    flagged_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[datetime]


class FaultToleranceReview(Base):
    """A ruling on a flagged decision: excused 免责, mitigated 从轻/减轻, accountable 追责. Never edited."""

    __tablename__ = "fault_tolerance_reviews"
    __table_args__ = (UniqueConstraint("decision_id", name="uq_fault_tolerance_reviews_decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    ruling: Mapped[str] = mapped_column(String(16))
    reasoning: Mapped[str] = mapped_column(Text)
    criteria: Mapped[dict[str, Any]]
    maker_statement: Mapped[str | None] = mapped_column(Text)
    ruled_at: Mapped[datetime]
    #: What the decision table proposed from the answers; `ruling` differs only with written
    #: `departure_reasons` and a reviewer of the level above who concurred (`concurred_by`).
    proposed_ruling: Mapped[str | None] = mapped_column(String(16))
    departure_reasons: Mapped[str | None] = mapped_column(Text)
    concurred_by: Mapped[str | None] = mapped_column(String(64))
    #: What a mitigated ruling reduces.
    mitigation: Mapped[str | None] = mapped_column(Text)
    #: The decision drew a complaint: excused, it leads to a name-clearing notice (澄清正名).
    complaint_received: Mapped[bool] = mapped_column(default=False)
