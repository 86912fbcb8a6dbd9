"""Row locks for commands: `FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises writers, so there a plain SELECT inside the write transaction is enough.

The incident row lock lives here, below every domain package, because commands of several
domains (incidents, tasks, decisions) start with it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound
from engine.messages import INCIDENT_NOT_ACTIVE, INCIDENT_NOT_FOUND
from engine.models import Incident
from forms.vocabulary import ACTIVE

T = TypeVar("T")
_HELD = "held_incidents"


def lock_for_update(session: Session, query: Select[T], *, skip_locked: bool = False,
                    params: dict[str, Any] | None = None) -> T | None:
    """The first row of `query` (with its bound `params`), locked for this transaction (`FOR NO KEY
    UPDATE`: no key ever changes, so rows inserted elsewhere that refer to it do not wait, nor make it wait)."""
    query = query.execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked, key_share=True)
    found = session.scalars(query, params).first()
    if isinstance(found, Incident):
        hold(session, found)
    return found


def hold(session: Session, incident: Incident) -> None:
    """Note that this transaction holds the incident's row (locked it, or created it): its audit
    chain may be appended to through the loaded object, and it need not be locked again."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None  # the row was just read or written in it
    session.info.setdefault(_HELD, {})[incident.id] = (incident, transaction)


def held(session: Session, incident_id: int) -> Incident | None:
    """The incident as loaded by this transaction's lock, if it holds one (a lock taken in a
    savepoint that rolled back is gone with it)."""
    entry = session.info.get(_HELD, {}).get(incident_id)
    return entry[0] if entry is not None and entry[1].is_active else None


def lock_incident(session: Session, incident_id: int, *, must_be_active: bool = True) -> Incident:
    """The incident row, locked for this transaction; a Conflict if it no longer runs.

    Lock it before changing any other row a command on the incident changes (its tasks, its
    seats): commands take the incident first, so a transaction taking it last could deadlock."""
    incident = held(session, incident_id) or lock_for_update(session,
                                                             select(Incident).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound(INCIDENT_NOT_FOUND, incident=incident_id)
    if must_be_active and incident.status != ACTIVE:
        raise Conflict(INCIDENT_NOT_ACTIVE, reference=incident.reference, status=incident.status)
    return incident


def hold_incident(session: Session, incident_id: int) -> Incident:
    """The incident's row for a change beside it (its audit chain, its seats, a claim): the one
    this transaction holds already, or else locked now — before the other rows are changed."""
    return held(session, incident_id) or lock_incident(session, incident_id, must_be_active=False)
