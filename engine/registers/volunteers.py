"""The volunteer and social-organisation register (志愿者/社会组织台账): the second echelon
(第二梯队) a commander calls on after the professional first wave.

The volunteer coordinator keeps it (name, skills, contact, availability). When a commander requests
volunteers, the coordinator matches people from it to the needs; `deploy` marks them out with the
incident (no longer available to another), and `stand_down` frees them once their work is reported —
each in the command's transaction, with an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, seats
from engine.actors import Actor
from engine.db import is_postgres, now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import (
    VOLUNTEER_COORDINATORS_ONLY,
    VOLUNTEER_NOT_AVAILABLE,
    VOLUNTEER_NOT_AVAILABLE_FIELD,
    VOLUNTEER_NOT_FOUND,
)
from engine.models import Volunteer

COORDINATOR = "volunteer_coordinator"


def list_volunteers(*, session: Session, unit: str | None = None, skill: str | None = None,
                    available: bool | None = None, limit: int = 200) -> list[Volunteer]:
    query = select(Volunteer).order_by(Volunteer.unit, Volunteer.name, Volunteer.id)
    if unit is not None:
        query = query.where(Volunteer.unit == unit)
    if available is not None:
        query = query.where(Volunteer.available.is_(available))
    found = list(session.scalars(query))
    if skill is not None:  # skills are a short JSON list: filtered here, alike on both databases
        found = [v for v in found if skill in (v.skills or [])]
    return found[:max(1, min(limit, 500))]


def get_volunteer(*, session: Session, volunteer_id: int, lock: bool = False) -> Volunteer:
    query = select(Volunteer).where(Volunteer.id == volunteer_id)
    if lock and is_postgres(session):
        query = query.with_for_update()
    volunteer = session.scalars(query).first()
    if volunteer is None:
        raise NotFound(VOLUNTEER_NOT_FOUND, volunteer_id=volunteer_id)
    return volunteer


def register_volunteer(*, session: Session, actor: Actor, kind: str, name: str, skills: Sequence[str], contact: str,
                       unit: str, people: int = 1) -> Volunteer:
    """A new line of the register, by the volunteer coordinator (values checked by the caller's schema)."""
    if not (actor.is_admin or seats.holds(session=session, actor=actor, role=COORDINATOR, incident_id=None)):
        raise Forbidden(VOLUNTEER_COORDINATORS_ONLY)
    volunteer = Volunteer(kind=kind, name=name, skills=list(dict.fromkeys(skills)), contact=contact, unit=unit,
                          people=people, available=True, created_by=actor.username, updated_at=now(session))
    session.add(volunteer)
    session.flush()
    audit.record(session=session, actor=actor.username, action="volunteer_registered", incident_id=None,
                 payload={"volunteer_id": volunteer.id, "name": name, "kind": kind, "unit": unit})
    return volunteer


def deploy(*, session: Session, actor: Actor, incident_id: int, matches: Sequence[Mapping[str, Any]],
           field: str = "matches") -> list[dict[str, Any]]:
    """Send the matched volunteers out with the incident, all or none; one assignment per match."""
    chosen: list[tuple[Volunteer, str]] = []
    for index, match in enumerate(matches):
        volunteer = get_volunteer(session=session, volunteer_id=int(match["volunteer_id"]), lock=True)
        if not volunteer.available or any(v.id == volunteer.id for v, _ in chosen):
            raise InvalidInput(VOLUNTEER_NOT_AVAILABLE, name=volunteer.name,
                               fields={f"{field}.{index}.volunteer_id": VOLUNTEER_NOT_AVAILABLE_FIELD()})
        chosen.append((volunteer, str(match.get("need") or "")))
    moment = now(session)
    for volunteer, need in chosen:
        volunteer.available, volunteer.deployed_incident_id, volunteer.updated_at = False, incident_id, moment
        audit.record(session=session, actor=actor.username, action="volunteer_deployed", incident_id=incident_id,
                     payload={"volunteer_id": volunteer.id, "name": volunteer.name, "need": need})
    return [{"volunteer_id": v.id, "name": v.name, "people": v.people, "need": need} for v, need in chosen]


def stand_down(*, session: Session, actor: Actor, incident_id: int, volunteer_ids: Sequence[int]) -> None:
    """Free the volunteers the incident had out (those it no longer holds are left as they are)."""
    moment = now(session)
    for volunteer_id in volunteer_ids:
        volunteer = get_volunteer(session=session, volunteer_id=volunteer_id, lock=True)
        if volunteer.deployed_incident_id != incident_id:
            continue
        volunteer.available, volunteer.deployed_incident_id, volunteer.updated_at = True, None, moment
        audit.record(session=session, actor=actor.username, action="volunteer_stood_down", incident_id=incident_id,
                     payload={"volunteer_id": volunteer.id, "name": volunteer.name})
