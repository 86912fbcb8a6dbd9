"""On-scene decisions (临场决策): rows that are never changed; a correction is a new row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
    flagged_for_review: Mapped[bool] = mapped_column(default=False)
