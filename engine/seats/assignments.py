"""Users and seats (席位): who holds which role, globally or for one incident."""

from __future__ import annotations

import re

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db import now
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import HumanTask, Incident, RoleAssignment, User

ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")
#: Seats whose holders may report (start) incidents.
START_ROLES = frozenset({"duty_officer", "commander"})
COMMANDER = "commander"


def create_user(
    *, session: Session, actor: Actor, username: str, display_name: str | None = None,
    password_hash: str | None = None, is_admin: bool = False, language: str = "en",
) -> User:
    if not actor.is_admin:
        raise Forbidden("only an administrator can add users")
    if not USERNAME.match(username or ""):
        raise InvalidInput(
            "invalid username",
            fields={"username": "2–64 letters, digits, '.', '_' or '-', starting with a letter or digit"},
        )
    if language not in ("en", "zh"):
        raise InvalidInput("invalid language", fields={"language": "must be 'en' or 'zh'"})
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user '{username}' already exists", fields={"username": "already taken"})
    user = User(
        username=username, display_name=(display_name or username)[:200], password_hash=password_hash,
        is_admin=is_admin, language=language, created_at=now(session),
    )
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor.username, action="user_created",
                 payload={"username": username, "is_admin": is_admin})
    return user


def set_password(*, session: Session, actor: Actor, username: str, password_hash: str) -> User:
    """Replace a user's password (administrators); also lifts a login lock."""
    if not actor.is_admin:
        raise Forbidden("only an administrator can set passwords")
    user = get_user(session=session, username=username)
    user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
    audit.record(session=session, actor=actor.username, action="password_set", payload={"username": username})
    return user


def set_active(*, session: Session, actor: Actor, username: str, active: bool) -> User:
    """Disable or re-enable an account: a disabled user cannot sign in, and tokens stop working."""
    if not actor.is_admin:
        raise Forbidden("only an administrator can disable or enable users")
    user = get_user(session=session, username=username)
    user.is_active = active
    audit.record(session=session, actor=actor.username, action="user_enabled" if active else "user_disabled",
                 payload={"username": username})
    return user


def get_user(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, user_id=user.id, is_admin=user.is_admin)


def _check_role_key(role: str) -> None:
    if not ROLE_KEY.match(role or ""):
        raise InvalidInput("invalid role", fields={"role": "a snake_case role key such as 'duty_officer'"})


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
        if session.get(Incident, incident_id) is None:
            raise NotFound(f"no incident {incident_id}")
        if not actor.is_admin and not holds(session=session, actor=actor, role=COMMANDER,
                                            incident_id=incident_id):
            raise Forbidden("only the incident's commander or an administrator can seat people on it")
    elif not actor.is_admin:
        raise Forbidden("only an administrator can give a seat for all incidents")
    assignment = RoleAssignment(
        user_id=user.id, role=role, incident_id=incident_id, granted_by=actor.username,
        granted_at=now(session),
    )
    try:
        with session.begin_nested():
            session.add(assignment)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{username} already holds the seat '{role}' there") from exc
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
        raise Forbidden("only the incident's commander or an administrator can remove seats")
    query = select(RoleAssignment).where(RoleAssignment.user_id == user.id, RoleAssignment.role == role)
    query = query.where(
        RoleAssignment.incident_id.is_(None) if incident_id is None
        else RoleAssignment.incident_id == incident_id
    )
    assignment = session.scalar(query)
    if assignment is None:
        raise NotFound(f"{username} does not hold the seat '{role}' there")
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
