"""The active-incidents board: every running incident with its level, commander, open and
overdue tasks and next deadline — what a duty room puts on its wall.

Why two GROUP BYs and not a loop: the board is read every few seconds by the live pages, so it
must cost the same few queries however many incidents run (no workflow is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine import seats
from engine.db import now
from engine.models import HumanTask, Incident, RoleAssignment, User
from forms.vocabulary import ACTIVE, LEVELS, TASK_READY


@dataclass(frozen=True)
class BoardRow:
    incident: Incident
    commanders: list[str]
    open_tasks: int
    overdue_tasks: int
    next_due: datetime | None


def active(*, session: Session, include_exercises: bool = False, limit: int = 200) -> list[BoardRow]:
    """Running incidents, most serious level first, then those with overdue work, then newest."""
    moment = now(session)
    where = [Incident.status == ACTIVE] + ([] if include_exercises else [Incident.exercise.is_(False)])
    found = list(session.scalars(select(Incident).where(*where).order_by(Incident.id.desc()).limit(limit)))
    ids = [i.id for i in found]
    counts = {row[0]: row[1:] for row in session.execute(
        select(HumanTask.incident_id, func.count(),
               func.sum(case((HumanTask.due_at < moment, 1), else_=0)), func.min(HumanTask.due_at))
        .where(HumanTask.incident_id.in_(ids), HumanTask.state == TASK_READY).group_by(HumanTask.incident_id))}
    commanders: dict[int, list[str]] = {}
    for incident_id, name in session.execute(  # incident seats only: a global commander is on every row
            select(RoleAssignment.incident_id, User.display_name).join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.incident_id.in_(ids), RoleAssignment.role == seats.COMMANDER)
            .order_by(User.display_name)):
        commanders.setdefault(int(incident_id or 0), []).append(name)
    rows = [BoardRow(i, commanders.get(i.id, []), int(counts.get(i.id, (0, 0, None))[0] or 0),
                     int(counts.get(i.id, (0, 0, None))[1] or 0), counts.get(i.id, (0, 0, None))[2])
            for i in found]
    rank = {level: n for n, level in enumerate(LEVELS)}
    return sorted(rows, key=lambda r: (rank.get(r.incident.response_level or "", len(LEVELS)),
                                       -r.overdue_tasks, -r.incident.id))
