"""Writing notifications: called inside a command's transaction, so they commit or roll back
with it. Nothing here sends anything."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.db import now
from engine.models import HumanTask, Incident, Notification

ASSIGNED, ESCALATED, OVERDUE, CANCELLED = "task_assigned", "task_escalated", "task_overdue", "task_cancelled"
KINDS = (ASSIGNED, ESCALATED, OVERDUE, CANCELLED)


def record(session: Session, *, kind: str, incident: Incident, task: HumanTask, username: str | None = None) -> None:
    """Note that the holders of `task`'s seat (and `username`, when named) should hear of it."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    session.add(Notification(
        kind=kind, incident_id=incident.id, task_id=task.id, role=task.role or None, username=username,
        created_at=now(session), payload={
            "incident": incident.reference, "incident_title": incident.title, "level": incident.response_level,
            "task": task.title, "task_zh": task.title_zh or task.title, "subject": task.subject, "seat": task.role,
            "due_at": task.due_at.isoformat() if task.due_at else None,
        }))
