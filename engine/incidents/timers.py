"""The timer sweep: advance every incident whose earliest timer is due.

Each incident is advanced in its own transaction. On PostgreSQL the due row is taken with
`FOR UPDATE SKIP LOCKED`, so several workers share the sweep without waiting on each other;
on SQLite `BEGIN IMMEDIATE` serialises them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.actors import TIMER_WORKER
from engine.config import DEFAULT_TIME_ZONE
from engine.db import Database
from engine.db.locking import lock_for_update
from engine.incidents.failures import DEFAULT_RETRIES, RetryPolicy, advance_timers
from engine.incidents.replenishment import sweep_expiring
from engine.incidents.schedules import sweep_schedules
from engine.models import Incident
from forms.vocabulary import ACTIVE

DEPLOYMENT_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)

log = logging.getLogger(__name__)
WORKER = TIMER_WORKER


@dataclass
class SweepResult:
    advanced: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _advance_one(db: Database, skip: set[int], policy: RetryPolicy) -> tuple[str, bool] | None:
    """Advance the next due incident; None when nothing (else) is due. A failure is recorded and
    retried later by `policy` (engine.incidents.failures), never retried in the same sweep."""
    with db.transaction() as session:
        query = (
            select(Incident)
            .where(Incident.status == ACTIVE, Incident.next_timer_at <= db.clock.now())
            .order_by(Incident.next_timer_at)
            .limit(1)
        )
        if skip:
            query = query.where(Incident.id.not_in(skip))
        incident = lock_for_update(session, query, skip_locked=True)
        if incident is None:
            return None
        skip.add(incident.id)
        failure = advance_timers(session, incident, WORKER, policy)
        return incident.reference, failure is None


def sweep(db: Database, *, limit: int = 100, stop: threading.Event | None = None,
          policy: RetryPolicy = DEFAULT_RETRIES) -> SweepResult:
    """Advance up to `limit` due incidents, each in its own transaction, until `stop` is set; the
    clock is the database's (tests inject one). `failed`: those whose attempt failed."""
    result = SweepResult()
    skip: set[int] = set()
    for _ in range(limit):
        if stop is not None and stop.is_set():
            break
        outcome = _advance_one(db, skip, policy)
        if outcome is None:
            break
        (result.advanced if outcome[1] else result.failed).append(outcome[0])
    return result


def run_worker(db: Database, *, interval: float, batch: int, stop: threading.Event | None = None,
               policy: RetryPolicy = DEFAULT_RETRIES, zone: ZoneInfo = DEPLOYMENT_ZONE) -> None:
    """Sweep forever (until `stop` is set: the incident being advanced is finished first), sleeping
    `interval` seconds between idle sweeps; each pass also rotates expiring reserves and fires the
    prevention calendar (dates in `zone`, the deployment's time zone)."""
    while stop is None or not stop.is_set():
        try:
            result = sweep(db, limit=batch, stop=stop, policy=policy)
            sweep_expiring(db)
            sweep_schedules(db, zone)
        except Exception:  # keep the worker alive; the failure is logged and retried next sweep
            log.exception("timer sweep failed")
            result = SweepResult()
        if result.advanced or result.failed:
            log.info("timers: advanced %s, failed %s", result.advanced, result.failed)
            continue
        if stop is not None:
            stop.wait(interval)
        else:
            time.sleep(interval)
