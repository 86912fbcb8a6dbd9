"""Domain gauges for `/metrics`: open and overdue tasks, and how far the timer worker lags.

Read at scrape time from the same rows the inbox and the worker read, with the database's
clock (so tests with a manual clock see the lag they made).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.db import now
from engine.models import HumanTask, Incident
from forms.vocabulary import ACTIVE

__all__ = ["Gauges", "gauges"]


@dataclass(frozen=True)
class Gauges:
    open_tasks: int
    overdue_tasks: int
    #: now − the earliest due timer of an active incident; 0 when nothing is overdue.
    timer_lag_seconds: float
    active_incidents: int


def gauges(*, session: Session) -> Gauges:
    moment = now(session)
    open_ready = (select(func.count()).select_from(HumanTask)
                  .join(Incident, Incident.id == HumanTask.incident_id)
                  .where(HumanTask.state == "ready", Incident.status == ACTIVE))
    open_tasks = session.scalar(open_ready) or 0
    overdue = session.scalar(open_ready.where(HumanTask.due_at < moment)) or 0
    earliest = session.scalar(select(func.min(Incident.next_timer_at)).where(Incident.status == ACTIVE))
    active = session.scalar(select(func.count()).select_from(Incident).where(Incident.status == ACTIVE)) or 0
    lag = 0.0
    if earliest is not None:
        lag = max(0.0, (moment - as_utc(earliest)).total_seconds())
    return Gauges(open_tasks=open_tasks, overdue_tasks=overdue, timer_lag_seconds=lag,
                  active_incidents=active)
