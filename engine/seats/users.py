"""Accounts: who may sign in, and the actor each one acts as."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db import now
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.messages import (
    USER_ACTIVE_ADMIN_ONLY,
    USER_ADD_ADMIN_ONLY,
    USER_EXISTS,
    USER_INVALID_LANGUAGE,
    USER_INVALID_NAME,
    USER_LANGUAGES,
    USER_NAME_FORMAT,
    USER_NAME_TAKEN,
    USER_NOT_FOUND,
    USER_PASSWORD_ADMIN_ONLY,
)
from engine.models import User
from forms.vocabulary import LANGUAGES

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")


def create_user(
    *, session: Session, actor: Actor, username: str, display_name: str | None = None,
    password_hash: str | None = None, is_admin: bool = False, language: str | None = None,
) -> User:
    if not actor.is_admin:
        raise Forbidden(USER_ADD_ADMIN_ONLY)
    if not USERNAME.match(username or ""):
        raise InvalidInput(USER_INVALID_NAME, fields={"username": USER_NAME_FORMAT()})
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(USER_INVALID_LANGUAGE, fields={"language": USER_LANGUAGES()})
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(USER_EXISTS, username=username, fields={"username": USER_NAME_TAKEN()})
    user = User(
        username=username, display_name=(display_name or username)[:200], password_hash=password_hash,
        is_admin=is_admin, language=language or "", created_at=now(session),
    )
    session.add(user)
    session.flush()
    audit.record(session=session, actor=actor.username, action="user_created",
                 payload={"username": username, "is_admin": is_admin})
    return user


def set_password(*, session: Session, actor: Actor, username: str, password_hash: str) -> User:
    """Replace a user's password (administrators); also lifts a login lock."""
    if not actor.is_admin:
        raise Forbidden(USER_PASSWORD_ADMIN_ONLY)
    user = get_user(session=session, username=username)
    user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
    audit.record(session=session, actor=actor.username, action="password_set", payload={"username": username})
    return user


def set_active(*, session: Session, actor: Actor, username: str, active: bool) -> User:
    """Disable or re-enable an account: a disabled user cannot sign in, and tokens stop working."""
    if not actor.is_admin:
        raise Forbidden(USER_ACTIVE_ADMIN_ONLY)
    user = get_user(session=session, username=username)
    user.is_active = active
    audit.record(session=session, actor=actor.username, action="user_enabled" if active else "user_disabled",
                 payload={"username": username})
    return user


def get_user(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(USER_NOT_FOUND, username=username)
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, user_id=user.id, is_admin=user.is_admin)
