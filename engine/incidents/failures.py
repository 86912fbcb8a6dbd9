"""When an incident's automatic work fails (a timer fires and what it releases fails: an expression
error, a missing variable, an operator refusing): record what failed, retry with back-off, stop the
incident once the retries are spent, and let the commander or an administrator retry after a fix.

Camunda's incidents and job retries, in this engine's words. A failed attempt changes nothing in
the workflow — it runs inside a savepoint that is rolled back — so every retry starts from the
same waiting state, with whatever was fixed since (a variable set, a newer definition version).
Each failure, retry and recovery is an audit event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.config import Settings
from engine.db import now
from engine.db.locking import lock_incident
from engine.errors import Conflict, InvalidInput, RenxingError
from engine.incidents.access import require_commander
from engine.incidents.pipeline import attach
from engine.incidents.store import load_runtime
from engine.incidents.sync import sync
from engine.messages import INCIDENT_NOT_RUNNING, INCIDENT_NOTHING_TO_RETRY, REASON_REQUIRED, RETRY_REASON
from engine.models import Incident, IncidentFailure
from engine.models.failures import RESOLVED, RETRYING, STOPPED
from forms.vocabulary import ACTIVE, FAILED

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How the timer worker retries: `attempts` in all (the first included) before the incident
    stops as failed, waiting `first_delay`, then twice as long each time."""

    attempts: int = 3
    first_delay: timedelta = timedelta(minutes=1)

    @classmethod
    def configured(cls, settings: Settings) -> RetryPolicy:
        """RENXING_TIMER_RETRIES and RENXING_TIMER_RETRY_SECONDS."""
        return cls(attempts=max(settings.timer_retries, 1), first_delay=timedelta(seconds=settings.timer_retry_seconds))

    def delay(self, attempt: int) -> timedelta:
        return self.first_delay * 2 ** max(attempt - 1, 0)


DEFAULT_RETRIES = RetryPolicy()


def open_failure(*, session: Session, incident_id: int) -> IncidentFailure | None:
    """The incident's failure still open (being retried, or stopped), if any."""
    return session.scalars(
        select(IncidentFailure).where(IncidentFailure.incident_id == incident_id,
                                      IncidentFailure.state.in_((RETRYING, STOPPED)))
        .order_by(IncidentFailure.id.desc()).limit(1)
    ).first()


def history(*, session: Session, incident_id: int) -> list[IncidentFailure]:
    """Every failure of the incident, newest first."""
    return list(session.scalars(
        select(IncidentFailure).where(IncidentFailure.incident_id == incident_id)
        .order_by(IncidentFailure.id.desc())))


def advance_timers(session: Session, incident: Incident, actor: Actor,
                   policy: RetryPolicy | None) -> IncidentFailure | None:
    """Fire the locked incident's due timers and run what they release. On failure nothing of it
    stays: the failure is recorded and returned; `policy` says how the worker retries (None: a
    retry by hand, which stops the incident again at once)."""
    hooks = list(session.info.get("after_commit", []))
    attempt = session.begin_nested()
    try:
        runtime = attach(session, incident, load_runtime(session, incident), actor)
        moment = now(session)
        due = [{"element": t.element, "name": t.name, **({"name_zh": t.name_zh} if t.name_zh else {})}
               for t in runtime.pending_timers() if t.due_at is not None and t.due_at <= moment]
        runtime.fire_due_timers()
        audit.record(session=session, actor=actor.username, action="timers_fired", incident_id=incident.id,
                     payload={"timers": due})
        sync(session, incident, runtime, actor)
        attempt.commit()
    except RenxingError as exc:
        attempt.rollback()
        session.info["after_commit"] = hooks  # nothing the failed attempt registered may run
        return _record(session, incident, exc, actor, policy)
    failure = open_failure(session=session, incident_id=incident.id)
    if failure is not None:
        failure.state, failure.next_attempt_at = RESOLVED, None
        failure.resolved_at, failure.resolved_by = now(session), actor.username
        audit.record(session=session, actor=actor.username, action="failure_resolved", incident_id=incident.id,
                     payload={"element": failure.element, "attempts": failure.attempts})
    return None


def _record(session: Session, incident: Incident, exc: RenxingError, actor: Actor,
            policy: RetryPolicy | None) -> IncidentFailure:
    moment = now(session)
    at = exc.failed_at
    element = at.element if at is not None else None
    failure = open_failure(session=session, incident_id=incident.id)
    if failure is not None and failure.element != element:  # the old one was passed; this is new
        failure.state, failure.next_attempt_at, failure.resolved_at = RESOLVED, None, moment
        failure = None
    if failure is None:
        failure = IncidentFailure(incident_id=incident.id, attempts=0, first_failed_at=moment)
        session.add(failure)
    failure.element = element
    failure.element_name = at.name_zh or at.name if at is not None else None
    failure.error_code, failure.error_params, failure.error = exc.message.code, _plain(exc), str(exc.message)
    failure.data = at.data if at is not None else {}
    failure.attempts += 1
    failure.last_failed_at = moment
    payload = {"error": str(exc.message), "element": element, "attempts": failure.attempts}
    if policy is not None and failure.attempts < policy.attempts:
        failure.state, failure.next_attempt_at = RETRYING, moment + policy.delay(failure.attempts)
        incident.next_timer_at = failure.next_attempt_at
        audit.record(session=session, actor=actor.username, action="timer_failed", incident_id=incident.id,
                     payload={**payload, "next_attempt_at": failure.next_attempt_at.isoformat()})
    else:
        failure.state, failure.next_attempt_at = STOPPED, None
        incident.status, incident.next_timer_at, incident.end_reason = FAILED, None, str(exc.message)
        audit.record(session=session, actor=actor.username, action="incident_failed",
                     incident_id=incident.id, payload=payload)
    incident.version += 1
    incident.updated_at = moment
    log.error("incident %s: %s failed (attempt %s): %s", incident.reference, element, failure.attempts, exc.message)
    return failure


def _plain(exc: RenxingError) -> dict[str, str]:
    """The error's parameters as text (what a page needs to say it in the reader's language)."""
    return {key: str(value) for key, value in exc.message.params.items()}


def retry(*, session: Session, actor: Actor, incident_id: int, reason: str) -> IncidentFailure | None:
    """Retry a failed incident now (after a fix): the commander or an administrator. Returns the
    failure if it failed again (the incident stays failed), None when it went through."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(REASON_REQUIRED, fields={"reason": RETRY_REASON()})
    require_commander(session, actor, incident_id)
    incident = lock_incident(session, incident_id, must_be_active=False)
    failure = open_failure(session=session, incident_id=incident_id)
    if incident.status not in (ACTIVE, FAILED):
        raise Conflict(INCIDENT_NOT_RUNNING, reference=incident.reference, status=incident.status)
    if incident.status != FAILED and failure is None:
        raise Conflict(INCIDENT_NOTHING_TO_RETRY, reference=incident.reference)
    audit.record(session=session, actor=actor.username, action="incident_retried", incident_id=incident_id,
                 payload={"reason": reason.strip(), "element": failure.element if failure else None,
                          "attempts": failure.attempts if failure else 0})
    incident.status, incident.end_reason = ACTIVE, None
    return advance_timers(session, incident, actor, policy=None)
