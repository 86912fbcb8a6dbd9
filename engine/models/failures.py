"""Failures of an incident's automatic work (a timer whose follow-on step fails), kept so that an
operator can see why, fix the cause and retry — Camunda's incidents, in this engine's words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base

#: The worker retries with back-off; the incident still runs (status active).
RETRYING = "retrying"
#: The retries are spent: the incident is failed until someone retries it by hand.
STOPPED = "stopped"
#: A later attempt went through; kept as history.
RESOLVED = "resolved"


class IncidentFailure(Base):
    """One run of failures at one element, from the first failed attempt until one goes through."""

    __tablename__ = "incident_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    #: The model element that failed (its BPMN id) and its name, when the workflow knew them.
    element: Mapped[str | None] = mapped_column(String(200))
    element_name: Mapped[str | None] = mapped_column(String(200))
    #: The error of the latest attempt: its message code, parameters and English text.
    error_code: Mapped[str] = mapped_column(String(64))
    error_params: Mapped[dict[str, Any]]
    error: Mapped[str] = mapped_column(Text)
    #: The process data the failing element saw (JSON), at the latest attempt.
    data: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(default=1)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    #: When the worker tries again (state retrying).
    next_attempt_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
