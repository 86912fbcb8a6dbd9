"""Seats (席位): who holds which role, globally or for one incident."""

from __future__ import annotations

import re

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db import now
from engine.db.locking import hold_incident
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.messages import (
    SEAT_ALREADY_HELD,
    SEAT_GLOBAL_ADMIN_ONLY,
    SEAT_GRANT_FORBIDDEN,
    SEAT_INVALID_ROLE,
    SEAT_NOT_HELD_THERE,
    SEAT_REMOVE_FORBIDDEN,
    SEAT_ROLE_FORMAT,
)
from engine.models import CacheVersion, HumanTask, RoleAssignment, User
from engine.seats.users import get_user
from forms.vocabulary import COMMANDER

ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def _check_role_key(role: str) -> None:
    if not ROLE_KEY.match(role or ""):
        raise InvalidInput(SEAT_INVALID_ROLE, fields={"role": SEAT_ROLE_FORMAT()})


def roles_of(*, session: Session, user_id: int, incident_id: int | None = None) -> set[str]:
    """Roles the user holds globally, plus those held for `incident_id`."""
    query = select(RoleAssignment.role).where(RoleAssignment.user_id == user_id)
    if incident_id is None:
        query = query.where(RoleAssignment.incident_id.is_(None))
    else:
        query = query.where(
            or_(RoleAssignment.incident_id.is_(None), RoleAssignment.incident_id == incident_id)
        )
    return set(session.scalars(query))


def seats_held(*, session: Session, user_id: int) -> list[tuple[str, int | None]]:
    """Every seat the user holds, in one query: (role, None) everywhere, (role, incident id) for one incident."""
    return [(role, incident) for role, incident in session.execute(
        select(RoleAssignment.role, RoleAssignment.incident_id).where(RoleAssignment.user_id == user_id))]


#: Read on every request (api.deps): built once.
_SEATS_VERSION = select(CacheVersion.version).where(CacheVersion.name == "seats")


def seats_version(*, session: Session | Connection) -> int:
    """The counter the database bumps on every change of seats or of a user's name, display name,
    admin or active flag: what was read at one value stays true while it does not move."""
    return session.scalar(_SEATS_VERSION) or 0


def holds(*, session: Session, actor: Actor, role: str, incident_id: int | None) -> bool:
    if actor.user_id is None:
        return actor.is_system
    return role in roles_of(session=session, user_id=actor.user_id, incident_id=incident_id)


def seat(
    *, session: Session, actor: Actor, username: str, role: str, incident_id: int | None = None
) -> RoleAssignment:
    """Seat a user in a role. Admins seat anyone; an incident's commander seats for that incident."""
    _check_role_key(role)
    user = get_user(session=session, username=username)
    if incident_id is not None:
        hold_incident(session, incident_id)  # first, as commands do
        if not actor.is_admin and not holds(session=session, actor=actor, role=COMMANDER,
                                            incident_id=incident_id):
            raise Forbidden(SEAT_GRANT_FORBIDDEN)
    elif not actor.is_admin:
        raise Forbidden(SEAT_GLOBAL_ADMIN_ONLY)
    assignment = RoleAssignment(
        user_id=user.id, role=role, incident_id=incident_id, granted_by=actor.username,
        granted_at=now(session),
    )
    try:
        with session.begin_nested():
            session.add(assignment)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(SEAT_ALREADY_HELD, username=username, role=role) from exc
    audit.record(session=session, actor=actor.username, action="seat_granted", incident_id=incident_id,
                 payload={"username": username, "role": role})
    return assignment


def unseat(
    *, session: Session, actor: Actor, username: str, role: str, incident_id: int | None = None
) -> None:
    user = get_user(session=session, username=username)
    if not actor.is_admin and not (
        incident_id is not None
        and holds(session=session, actor=actor, role=COMMANDER, incident_id=incident_id)
    ):
        raise Forbidden(SEAT_REMOVE_FORBIDDEN)
    query = select(RoleAssignment).where(RoleAssignment.user_id == user.id, RoleAssignment.role == role)
    query = query.where(
        RoleAssignment.incident_id.is_(None) if incident_id is None
        else RoleAssignment.incident_id == incident_id
    )
    assignment = session.scalar(query)
    if assignment is None:
        raise NotFound(SEAT_NOT_HELD_THERE, username=username, role=role)
    if incident_id is not None:
        hold_incident(session, incident_id)  # before its tasks, as commands do
    session.delete(assignment)
    _release_claims(session, user.id, role, incident_id)
    audit.record(session=session, actor=actor.username, action="seat_removed", incident_id=incident_id,
                 payload={"username": username, "role": role})


def _release_claims(session: Session, user_id: int, role: str, incident_id: int | None) -> None:
    """Whoever loses a seat gives back the ready tasks of it they had claimed."""
    query = update(HumanTask).where(HumanTask.assignee_id == user_id, HumanTask.role == role,
                                    HumanTask.state == "ready")
    if incident_id is not None:
        query = query.where(HumanTask.incident_id == incident_id)
    session.execute(query.values(assignee_id=None).execution_options(synchronize_session=False))


def seats_of(*, session: Session, user_id: int) -> list[RoleAssignment]:
    return list(session.scalars(
        select(RoleAssignment).where(RoleAssignment.user_id == user_id)
        .order_by(RoleAssignment.role, RoleAssignment.incident_id)
    ))


def holders(*, session: Session, role: str, incident_id: int) -> list[User]:
    return list(session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
            RoleAssignment.role == role,
            or_(RoleAssignment.incident_id.is_(None), RoleAssignment.incident_id == incident_id),
        ).order_by(User.username).distinct()
    ))
