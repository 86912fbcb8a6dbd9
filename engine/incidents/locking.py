"""Incident statuses and the row lock every incident command starts with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.locking import lock_for_update
from engine.errors import Conflict, NotFound
from engine.models import Incident

ACTIVE = "active"
CLOSED = "closed"
CANCELLED = "cancelled"
FAILED = "failed"


def lock_incident(session: Session, incident_id: int, *, must_be_active: bool = True) -> Incident:
    incident = lock_for_update(session, select(Incident).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    if must_be_active and incident.status != ACTIVE:
        raise Conflict(f"incident {incident.reference} is {incident.status}, not active")
    return incident
