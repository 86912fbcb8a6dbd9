"""The `human_tasks` rows of one incident, kept in step with its ready user tasks by every command.

What was open before the command is kept on the incident row (`workflow_meta.views.open`: each
open task's deadline), so nothing is read to know it. The rows the command changed itself (the
task it completed), the rows the workflow cancelled and the rows it opened are written together
with Core: one INSERT … ON CONFLICT DO UPDATE. Inbox queries read these rows, never the workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from engine import notifications
from engine.actors import TIMER_WORKER, Actor
from engine.db import now, prepared
from engine.db.rows import settle
from engine.db.upsert import upsert_for
from engine.models import HumanTask, Incident, User
from engine.workflow import TaskView
from forms.vocabulary import TASK_READY

_TABLE = cast(Table, HumanTask.__table__)
_COLUMNS = tuple(column.key for column in _TABLE.columns)
#: What a command may change on a row that exists: everything but its identity and birth.
_CHANGEABLE = tuple(name for name in _COLUMNS if name not in ("id", "incident_id", "created_at"))


def changed_by_command(session: Session, incident: Incident) -> list[HumanTask]:
    """The incident's rows the command changed through the ORM (the task it completed): taken out
    of the ORM's flush, to be written with the rest by `mirror`. Call before the session flushes."""
    changed = [row for row in session.dirty if isinstance(row, HumanTask) and row.incident_id == incident.id]
    _settle(changed)
    return changed


def mirror(session: Session, incident: Incident, ready: list[TaskView], actor: Actor,
           changed: list[HumanTask]) -> dict[str, datetime | None]:
    """Write the rows: `changed`, those the workflow cancelled, those it opened; note who should
    hear of each task opened or cancelled. Returns the open rows' deadlines, for the incident row."""
    moment = now(session)
    views = {view.id: view for view in ready}
    before = _open_before(session, incident)
    settled = {row.id for row in changed if row.state != TASK_READY}
    written = list(changed)
    notices = []
    gone = [task_id for task_id in before if task_id not in views and task_id not in settled]
    if gone:  # cancelled by the workflow (a message, a boundary event): read whole, for their notices
        for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(gone), HumanTask.state == TASK_READY)):
            row.state, row.completed_at = "cancelled", moment
            written.append(row)
            notices.append(notifications.notice(session, kind=notifications.CANCELLED, incident=incident, task=row))
    deadlines: dict[str, datetime | None] = {}
    moved = []
    for task_id, view in views.items():
        if task_id in before:
            kept = before[task_id]
            if kept != view.due_at and not _deadline_passed(kept, view, moment):
                moved.append({"task_id": task_id, "due": view.due_at})
                kept = view.due_at
            deadlines[task_id] = kept
            continue
        task = HumanTask(
            id=task_id, incident_id=incident.id, task_spec=view.element, title=view.title, title_zh=view.title_zh,
            subject=view.subject, role=_named_user(view, "seat") or view.lane or "", form_key=view.form_key or "",
            phase=view.phase, state=TASK_READY, due_at=view.due_at, created_at=moment,
            assignee_id=_assignee(session, view), excluded_user=_named_user(view, "notBy"),
            completed_by=None, completed_at=None, data=None,
        )
        written.append(task)
        deadlines[task_id] = view.due_at
        kind = notifications.ESCALATED if actor == TIMER_WORKER else notifications.ASSIGNED
        notices.append(notifications.notice(session, kind=kind, incident=incident, task=task,
                                            username=_named_user(view, "assignee")))
    _write(session, written)
    notifications.write(session, notices)
    if moved:
        session.connection().execute(
            update(_TABLE).where(_TABLE.c.id == bindparam("task_id")).values(due_at=bindparam("due")), moved)
    return deadlines


def _write(session: Session, rows: list[HumanTask]) -> None:
    if not rows:
        return
    prepared.execute(session.connection(), upsert_for(session, _TABLE, keys=("id",), update=_CHANGEABLE),
                     [{name: getattr(row, name) for name in _COLUMNS} for row in rows])
    _settle(row for row in rows if row in session)


def _settle(rows: Iterable[HumanTask]) -> None:
    """Tell the ORM its copy of each row is what the database holds (or will, once `_write` ran),
    so its flush does not write them again."""
    for row in rows:
        settle(row, _CHANGEABLE)


def _open_before(session: Session, incident: Incident) -> dict[str, datetime | None]:
    """The ready rows' deadlines as the last command left them (on the incident row); read from
    `human_tasks` for an incident last saved before the row kept them."""
    kept: dict[str, Any] | None = (incident.workflow_meta or {}).get("views", {}).get("open")
    if kept is not None:
        return {task_id: datetime.fromisoformat(due) if due else None for task_id, due in kept.items()}
    return {task_id: due for task_id, due in session.execute(select(HumanTask.id, HumanTask.due_at).where(
        HumanTask.incident_id == incident.id, HumanTask.state == TASK_READY))}


def _deadline_passed(kept: datetime | None, view: TaskView, moment: datetime) -> bool:
    """A deadline that passed stays on the task once its timer has fired (it escalated): the task
    is still late, and the inbox, the diagram and the overdue report must keep saying so."""
    return view.due_at is None and kept is not None and kept <= moment


def _named_user(view: TaskView, prop: str) -> str | None:
    """The value of the data variable a task property names: a username (`assignee`, `notBy`) or
    the seat that owns the task where the model decides it at run time (`seat`, e.g. the leading
    tier's command seat); the lane stays the default."""
    variable = view.properties.get(prop)
    value = view.data.get(variable) if variable else None
    return value if isinstance(value, str) and value else None


def _assignee(session: Session, view: TaskView) -> int | None:
    username = _named_user(view, "assignee")
    if username is None:
        return None
    return session.scalar(select(User.id).where(User.username == username))
