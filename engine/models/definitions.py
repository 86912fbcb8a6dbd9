"""Deployed process definitions: immutable, versioned per process id, keyed by content hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ProcessDefinition(Base):
    __tablename__ = "process_definitions"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_process_definitions_version"),
        UniqueConstraint("process_id", "content_hash", name="uq_process_definitions_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    #: file name -> file text: exactly what was deployed, for download and drawing.
    files: Mapped[dict[str, Any]]
    #: Lanes, user tasks, messages and phases, as found by validation (for the API and pages).
    summary: Mapped[dict[str, Any]]
    #: The parsed SpiffWorkflow specs, stored once per version (never per incident).
    spec_json: Mapped[str] = mapped_column(Text)
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
