"""The prevention calendar: recurring work the worker starts without anyone remembering it —
monthly hazard screening, screening before the flood season, annual drills by type."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Schedule(Base):
    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_enabled_next_run_at", "enabled", "next_run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: hazard_screening | emergency_drill
    process_id: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    #: monthly (on `day`) | yearly (on `month`/`day`), in the deployment's time zone
    rule: Mapped[str] = mapped_column(String(16))
    month: Mapped[int | None]
    day: Mapped[int]
    #: For drills: tabletop (桌面) | full_scale (实战).
    drill_type: Mapped[str | None] = mapped_column(String(16))
    #: Days the started work has before it is overdue and escalates to the street.
    due_days: Mapped[int]
    enabled: Mapped[bool]
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    #: The work started last, its deadline, and when its lateness was escalated.
    last_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    last_due_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
