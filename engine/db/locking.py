"""Row locks for commands: `FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises writers, so there a plain SELECT inside the write transaction is enough.

The incident row lock lives here, below every domain package, because commands of several
domains (incidents, tasks, decisions) start with it.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotFound
from engine.messages import INCIDENT_NOT_ACTIVE, INCIDENT_NOT_FOUND
from engine.models import Incident
from forms.vocabulary import ACTIVE

T = TypeVar("T")


def lock_for_update(session: Session, query: Select[T], *, skip_locked: bool = False) -> T | None:
    query = query.execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    return session.scalars(query).first()


def lock_incident(session: Session, incident_id: int, *, must_be_active: bool = True) -> Incident:
    """The incident row, locked for this transaction; a Conflict if it no longer runs."""
    incident = lock_for_update(session, select(Incident).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound(INCIDENT_NOT_FOUND, incident=incident_id)
    if must_be_active and incident.status != ACTIVE:
        raise Conflict(INCIDENT_NOT_ACTIVE, reference=incident.reference, status=incident.status)
    return incident
