"""Who may steer a running incident (send it messages, end it, retry it, set its variables): its
commander, or an administrator."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import seats
from engine.actors import Actor
from engine.errors import Forbidden
from engine.messages import INCIDENT_COMMANDER_ONLY


def require_commander(session: Session, actor: Actor, incident_id: int) -> None:
    if actor.is_admin:
        return
    if not seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=incident_id):
        raise Forbidden(INCIDENT_COMMANDER_ONLY)
