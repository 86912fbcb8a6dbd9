"""Shortages and expiring reserves raise a task for logistics before they matter: each starts one
`resource_replenishment` process (never two for the same resource), linked to the incident whose
draw left it short; the timer worker's sweep rotates reserves ahead of their expiry."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from engine import definitions, registers
from engine.actors import TIMER_WORKER, Actor
from engine.db import Database, now
from engine.incidents.starting import start_instance
from engine.messages import TITLE_REPLENISHMENT
from engine.models import Incident, Resource

log = logging.getLogger(__name__)
PROCESS_ID = "resource_replenishment"


def raise_replenishment(session: Session, actor: Actor, resource: Resource, *, reason: str,
                        parent: Incident | None) -> Incident | None:
    """Start the replenishment of `resource` unless one is already open."""
    if resource.replenishment_incident_id is not None:
        return None
    child = start_instance(
        session=session, actor=actor, definition=definitions.get(session=session, process_id=PROCESS_ID),
        title=str(TITLE_REPLENISHMENT(resource=resource.name))[:200],
        category=parent.category if parent else "accident_disaster",
        unit=resource.unit, exercise=parent.exercise if parent else False, parent_id=parent.id if parent else None,
        data={"resource_id": resource.id, "resource_name": resource.name, "reason": reason,
              "available": resource.available, "minimum": resource.minimum, "measure": resource.measure,
              "expires_at": resource.expires_at.isoformat() if resource.expires_at else None,
              # what the form may leave out
              "released": 0, "new_expiry_date": None, "note": None},
    )
    resource.replenishment_incident_id = child.id
    return child


def sweep_expiring(db: Database) -> list[str]:
    """Raise a replenishment for every reserve expiring within the notice period; the references."""
    with db.read() as session:  # most passes find nothing: take no write lock for that
        if not registers.needing_rotation(session=session, moment=now(session)):
            return []
    with db.transaction() as session:
        due = registers.needing_rotation(session=session, moment=now(session))
        started = [raise_replenishment(session, TIMER_WORKER, r, reason="expiring", parent=None) for r in due]
        references = [child.reference for child in started if child is not None]
    if references:
        log.info("reserves expiring: replenishment %s", references)
    return references
