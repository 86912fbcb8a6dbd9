"""What a page needs to stay current without reloading: a stamp that changes whenever anything
it shows may have changed, and the counts behind the inbox badge.

Why the audit log's newest id: every state change writes its audit event in the same
transaction, so the stamp moves exactly when something committed — a cheap primary-key lookup
a page can poll every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import tasks
from engine.actors import Actor
from engine.models import AuditEvent

#: More open tasks than this in one inbox are counted as this many (the badge says "100+").
COUNT_LIMIT = 100


@dataclass(frozen=True)
class Pulse:
    stamp: int
    #: The actor's open tasks (their seats' and their own), those that arrived after `seen`, and
    #: those past their deadline.
    open: int
    new: int
    overdue: int


def pulse(*, session: Session, actor: Actor, now: datetime, incident_id: int | None = None,
          seen: datetime | None = None) -> Pulse:
    """The stamp of everything (or of one incident) and the actor's inbox counts at `now`."""
    newest = select(func.max(AuditEvent.id))
    if incident_id is not None:
        newest = newest.where(AuditEvent.incident_id == incident_id)
    stamp = session.scalar(newest) or 0
    mine = tasks.inbox(session=session, actor=actor, limit=COUNT_LIMIT)
    return Pulse(stamp=stamp, open=len(mine),
                 new=sum(1 for t in mine if seen is not None and t.created_at > seen),
                 overdue=sum(1 for t in mine if t.due_at is not None and t.due_at <= now))
