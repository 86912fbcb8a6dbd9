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

from sqlalchemy import select

from engine import audit
from engine.actors import TIMER_WORKER
from engine.db import Database
from engine.db.locking import lock_for_update
from engine.errors import WorkflowFailure
from engine.incidents.pipeline import attach
from engine.incidents.replenishment import sweep_expiring
from engine.incidents.store import load_runtime
from engine.incidents.sync import sync
from engine.models import Incident
from forms.vocabulary import ACTIVE, FAILED

log = logging.getLogger(__name__)
WORKER = TIMER_WORKER


@dataclass
class SweepResult:
    advanced: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _advance_one(db: Database, skip: set[int]) -> tuple[str, bool] | None:
    """Advance the next due incident; None when nothing (else) is due."""
    with db.transaction() as session:
        moment = db.clock.now()
        query = (
            select(Incident)
            .where(Incident.status == ACTIVE, Incident.next_timer_at <= moment)
            .order_by(Incident.next_timer_at)
            .limit(1)
        )
        if skip:
            query = query.where(Incident.id.not_in(skip))
        incident = lock_for_update(session, query, skip_locked=True)
        if incident is None:
            return None
        skip.add(incident.id)
        runtime = attach(session, incident, load_runtime(session, incident), WORKER)
        due = [{"element": t.element, "name": t.name, **({"name_zh": t.name_zh} if t.name_zh else {})}
               for t in runtime.pending_timers() if t.due_at is not None and t.due_at <= moment]
        try:
            runtime.fire_due_timers()
        except WorkflowFailure as exc:
            reference, incident_id = incident.reference, incident.id
            session.rollback()
            _mark_failed(db, incident_id, str(exc))
            return reference, False
        audit.record(session=session, actor=WORKER.username, action="timers_fired", incident_id=incident.id,
                     payload={"timers": due})
        sync(session, incident, runtime, WORKER)
        return incident.reference, True


def _mark_failed(db: Database, incident_id: int, message: str) -> None:
    """A timer whose work fails must not be retried forever: stop the incident and say why."""
    with db.transaction() as session:
        incident = lock_for_update(session, select(Incident).where(Incident.id == incident_id))
        if incident is None or incident.status != ACTIVE:
            return
        incident.status, incident.next_timer_at = FAILED, None
        incident.end_reason = message
        incident.version += 1
        audit.record(session=session, actor=WORKER.username, action="incident_failed",
                     incident_id=incident_id, payload={"error": message})
    log.error("incident %s failed while firing timers: %s", incident_id, message)


def sweep(db: Database, *, limit: int = 100, stop: threading.Event | None = None) -> SweepResult:
    """Advance up to `limit` due incidents, each in its own transaction, until `stop` is set; the
    clock is the database's (tests inject one)."""
    result = SweepResult()
    skip: set[int] = set()
    for _ in range(limit):
        if stop is not None and stop.is_set():
            break
        outcome = _advance_one(db, skip)
        if outcome is None:
            break
        (result.advanced if outcome[1] else result.failed).append(outcome[0])
    return result


def run_worker(db: Database, *, interval: float, batch: int, stop: threading.Event | None = None) -> None:
    """Sweep forever (until `stop` is set: the incident being advanced is finished first), sleeping
    `interval` seconds between idle sweeps."""
    while stop is None or not stop.is_set():
        try:
            result = sweep(db, limit=batch, stop=stop)
            sweep_expiring(db)
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
