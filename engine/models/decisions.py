"""On-scene decisions (临场决策): rows that are never changed; a correction is a new row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from engine.models.base import Base, JSONType
from engine.models.tasks import HumanTask


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
    orders: Mapped[list[DecisionOrder]] = relationship(lazy="selectin", viewonly=True,
                                                       order_by="DecisionOrder.id")

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


class DecisionOrder(Base):
    """An order a decision gives (临场指挥决策权: 指挥有关部门直接行动): a seat, what to do and by
    when. It becomes a task for that seat in the same incident; where it stands is read from the task."""

    __tablename__ = "decision_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    seat: Mapped[str] = mapped_column(String(64))
    instruction: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    #: The task the order became (a human task's id); NULL until the incident's workflow took it.
    task_id: Mapped[str | None] = mapped_column(String(36))
    task: Mapped[HumanTask | None] = relationship(
        primaryjoin=lambda: foreign(DecisionOrder.task_id) == HumanTask.id, lazy="selectin", viewonly=True)

    @property
    def status(self) -> str:
        """open, done or cancelled (an open order past its due time is late: see `due_at`)."""
        state = self.task.state if self.task is not None else "ready"
        return {"completed": "done", "cancelled": "cancelled"}.get(state, "open")

    @property
    def completed_by(self) -> str | None:
        return self.task.completed_by if self.task is not None else None

    @property
    def completed_at(self) -> datetime | None:
        return self.task.completed_at if self.task is not None and self.status == "done" else None

    @property
    def report(self) -> dict[str, Any]:
        """What the seat reported doing (the order task's form)."""
        return dict(self.task.data or {}) if self.task is not None and self.status == "done" else {}

    @property
    def done_late(self) -> bool:
        return self.completed_at is not None and self.completed_at > self.due_at

    def late_at(self, moment: datetime) -> bool:
        """Past its due time and not done in time."""
        return self.done_late or (self.status == "open" and self.due_at <= moment)
