"""The workflow of an incident stored as rows, so a command writes only what it changed.

One row per SpiffWorkflow task; task data lives in `task_data`, de-duplicated by content hash
(consecutive tasks usually carry identical data). See trap 2 in SPIFFWORKFLOW.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType


class WorkflowTaskRow(Base):
    __tablename__ = "workflow_tasks"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: "" for the top-level workflow, else the id of the task that started the subworkflow.
    workflow_id: Mapped[str] = mapped_column(String(36))
    #: Creation order: restores children in the order SpiffWorkflow made them.
    seq: Mapped[int]
    parent_id: Mapped[str | None] = mapped_column(String(36))
    children: Mapped[list[str]] = mapped_column(JSONType)
    state: Mapped[int]
    task_spec: Mapped[str] = mapped_column(String(255))
    last_state_change: Mapped[float]
    triggered: Mapped[bool]
    internal_data: Mapped[dict[str, Any]]
    data_hash: Mapped[str] = mapped_column(String(64))


class TaskDataRow(Base):
    __tablename__ = "task_data"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
