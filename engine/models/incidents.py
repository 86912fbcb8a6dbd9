"""Incidents and the phases they pass through."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_phase", "status", "phase"),
        Index("ix_incidents_next_timer_at", "next_timer_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64), index=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    exercise: Mapped[bool] = mapped_column(default=False)
    phase: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    response_level: Mapped[str | None] = mapped_column(String(4), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    #: The process instance that started this one (an early warning, an improvement action's incident).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    #: Bumped by every command: a stale writer is detected, and a process-local cache is keyed on it.
    version: Mapped[int] = mapped_column(default=0)
    #: Earliest pending timer: the worker's sweep reads only this column.
    next_timer_at: Mapped[datetime | None]
    #: Workflow-level state (data, correlations, subprocess headers) — small; tasks are rows.
    workflow_meta: Mapped[dict[str, Any]]
    #: The end of the incident's audit chain (its last event's seq and hash), kept in the row every
    #: command locks and updates anyway: appending an event reads and writes no other head row.
    audit_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    audit_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)


class PhaseHistory(Base):
    __tablename__ = "phase_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ReferenceCounter(Base):
    """Sequences behind readable references: scope "INC-2026" gives INC-2026-0001, -0002, …"""

    __tablename__ = "reference_counters"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
