"""Delivering the outbox after commit: fan each new notification out to its channels' targets,
send what is due, retry failures with growing pauses, give up after `MAX_ATTEMPTS` (logged), and
note tasks whose deadline passed (the overdue report). Each step is its own short transaction;
sending happens outside any transaction, so a slow webhook never holds a lock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import exists, select

from engine.db import Database
from engine.models import HumanTask, Incident, Notification, NotificationDelivery
from engine.notifications.channels import Channel, Outgoing, Say
from engine.notifications.outbox import OVERDUE, notice, write

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
#: Pause before attempt n+1: 30 s, 1 min, 2 min, 4 min, 8 min.
FIRST_PAUSE = timedelta(seconds=30)


def _fan_out(db: Database, channels: Sequence[Channel], limit: int) -> None:
    with db.transaction() as session:
        moment = db.clock.now()
        for notification in session.scalars(select(Notification).where(Notification.dispatched.is_(False))
                                            .order_by(Notification.id).limit(limit)):
            for channel in channels:
                for target in channel.targets(session, notification):
                    session.add(NotificationDelivery(notification_id=notification.id, channel=channel.name,
                                                     target=target, status="pending", attempts=0,
                                                     next_attempt_at=moment))
            notification.dispatched = True


def _due(db: Database, limit: int, say: Say | None) -> list[tuple[int, str, str, Outgoing]]:
    with db.read() as session:
        rows = session.execute(
            select(NotificationDelivery.id, NotificationDelivery.channel, NotificationDelivery.target,
                   Notification.kind, Notification.payload)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(NotificationDelivery.status == "pending", NotificationDelivery.next_attempt_at <= db.clock.now())
            .order_by(NotificationDelivery.id).limit(limit)).all()
    return [(row.id, row.channel, row.target, Outgoing(row.kind, dict(row.payload), say)) for row in rows]


def _settle(db: Database, delivery_id: int, error: str | None) -> None:
    with db.transaction() as session:
        delivery = session.get_one(NotificationDelivery, delivery_id)
        moment = db.clock.now()
        delivery.attempts += 1
        if error is None:
            delivery.status, delivery.sent_at, delivery.last_error = "sent", moment, None
            log.info("notification delivery %s sent by %s", delivery_id, delivery.channel)
            return
        delivery.last_error = error[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
            log.error("notification delivery %s to %s gave up after %s attempts: %s", delivery_id,
                      delivery.channel, delivery.attempts, error)
        else:
            delivery.next_attempt_at = moment + FIRST_PAUSE * 2 ** (delivery.attempts - 1)
            log.warning("notification delivery %s to %s failed (attempt %s), retrying: %s", delivery_id,
                        delivery.channel, delivery.attempts, error)


def deliver_due(db: Database, channels: Sequence[Channel], *, limit: int = 50, say: Say | None = None) -> int:
    """Fan out new notifications and send every delivery that is due; the number sent. `say` puts
    each message in the office's language (the doors pass the catalog's Chinese)."""
    _fan_out(db, channels, limit)
    sent = 0
    for delivery_id, name, target, message in _due(db, limit, say):
        channel = next((c for c in channels if c.name == name and c.accepts(target)), None)
        try:
            if channel is None:
                raise LookupError(f"no {name} channel for this target is configured any more")
            channel.send(target, message)
        except Exception as exc:  # any failure of a channel is retried, never raised into the worker
            _settle(db, delivery_id, f"{type(exc).__name__}: {exc}")
        else:
            _settle(db, delivery_id, None)
            sent += 1
    return sent


def note_overdue(db: Database, *, limit: int = 100) -> int:
    """Record an overdue notification, once, for each open task whose deadline has passed."""
    with db.transaction() as session:
        told = exists().where(Notification.task_id == HumanTask.id, Notification.kind == OVERDUE)
        late = session.execute(
            select(HumanTask, Incident).join(Incident, Incident.id == HumanTask.incident_id)
            .where(HumanTask.state == "ready", HumanTask.due_at <= db.clock.now(), ~told)
            .order_by(HumanTask.due_at).limit(limit)).all()
        write(session, [notice(session, kind=OVERDUE, incident=incident, task=task) for task, incident in late])
        return len(late)


def run_worker(db: Database, channels: Sequence[Channel], *, interval: float,
               stop: threading.Event | None = None, say: Say | None = None) -> None:
    """Note overdue tasks and deliver, until `stop` is set; errors are logged and the loop goes on."""
    while stop is None or not stop.is_set():
        try:
            note_overdue(db)
            deliver_due(db, channels, say=say)
        except Exception:  # a database hiccup must not end the worker
            log.exception("notification worker pass failed")
        if stop is not None:
            stop.wait(interval)
        else:
            threading.Event().wait(interval)
