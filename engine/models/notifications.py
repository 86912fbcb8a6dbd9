"""The notification outbox: what happened to whom, written in the command's own transaction, and
each delivery of it to a channel (a webhook, an e-mail address) with its attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Notification(Base):
    """One event a person should hear about (a task assigned, escalated, overdue or cancelled)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_dispatched", "dispatched"),
                      Index("ix_notifications_task_kind", "task_id", "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: task_assigned | task_escalated | task_overdue | task_cancelled
    kind: Mapped[str] = mapped_column(String(32))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    #: The seat (role key) the task belongs to, whose holders are told.
    role: Mapped[str | None] = mapped_column(String(64))
    #: A person named on the task (its assignee), told as well.
    username: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    #: Set once the worker has made a delivery row per channel target.
    dispatched: Mapped[bool] = mapped_column(default=False)


class NotificationDelivery(Base):
    """One notification to one target of one channel; retried with backoff until sent or given up."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(500))
    #: pending | sent | failed (gave up)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
