"""Writing notifications: called inside a command's transaction, so they commit or roll back
with it. Nothing here sends anything. Rows are written with Core, those of one command together."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from engine.db import now, prepared
from engine.models import HumanTask, Incident, Notification

ASSIGNED, ESCALATED, OVERDUE, CANCELLED = "task_assigned", "task_escalated", "task_overdue", "task_cancelled"
KINDS = (ASSIGNED, ESCALATED, OVERDUE, CANCELLED)
_INSERT = insert(cast(Table, Notification.__table__))


def notice(session: Session, *, kind: str, incident: Incident, task: HumanTask,
           username: str | None = None) -> dict[str, Any]:
    """The row saying that the holders of `task`'s seat (and `username`, when named) should hear of it."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    return {
        "kind": kind, "incident_id": incident.id, "task_id": task.id, "role": task.role or None,
        "username": username, "created_at": now(session), "dispatched": False, "payload": {
            "incident": incident.reference, "incident_title": incident.title, "level": incident.response_level,
            "task": task.title, "task_zh": task.title_zh or task.title, "subject": task.subject, "seat": task.role,
            "due_at": task.due_at.isoformat() if task.due_at else None,
        }}


def write(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert notices (one statement for all of them)."""
    prepared.execute(session.connection(), _INSERT, rows)


def record(session: Session, *, kind: str, incident: Incident, task: HumanTask, username: str | None = None) -> None:
    """Note that the holders of `task`'s seat (and `username`, when named) should hear of it."""
    write(session, [notice(session, kind=kind, incident=incident, task=task, username=username)])
