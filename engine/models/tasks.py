"""Human tasks: what inboxes read. Mirrors the workflow's ready user tasks after every command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        # Yields a seat's inbox in its order (due first, soonest first, then oldest): see engine.tasks.inbox.
        Index("ix_human_tasks_role_state_order", "role", "state", "due_at", "created_at", "id"),
        Index("ix_human_tasks_incident_state", "incident_id", "state"),
        Index("ix_human_tasks_assignee_state", "assignee_id", "state"),
    )

    #: The SpiffWorkflow task id: stable, and what users and programs refer to.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    #: The BPMN element id of the task (e.g. record_report); repeated instances share it.
    task_spec: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    #: The model's Chinese name of the task (`name_zh`), shown on Chinese pages; NULL: none.
    title_zh: Mapped[str | None] = mapped_column(String(255))
    #: What this instance is about, when several of one element are open (the model's `subject`).
    subject: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str] = mapped_column(String(128))
    phase: Mapped[str | None] = mapped_column(String(16))
    #: ready | completed | cancelled (claimed is ready with an assignee).
    state: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Four-eyes rule: this user may not complete the task (e.g. a decision's maker, a plan's drafter).
    excluded_user: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any] | None]
