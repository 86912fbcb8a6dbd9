"""A person's own settings: the language of the pages (English / 简体中文), their time zone, and
the e-mail address notifications for their seats go to.

Why in the engine: these are columns like any other, and changing one is a state change with its
audit event, whether a page, the API or the CLI asks for it.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.config import time_zone
from engine.errors import InvalidInput, NotFound
from engine.messages import (
    USER_EMAIL_FORMAT,
    USER_INVALID_EMAIL,
    USER_INVALID_LANGUAGE,
    USER_INVALID_TIME_ZONE,
    USER_LANGUAGES,
    USER_NOT_FOUND,
)
from engine.models import User
from forms.vocabulary import LANGUAGES

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]+$")


def _own(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound(USER_NOT_FOUND, username=actor.username)
    return user


def _change(session: Session, actor: Actor, user: User, column: str, value: str | None) -> User:
    """Set one of the user's own settings, with its audit event; nothing when unchanged."""
    before = getattr(user, column)
    if before != value:
        setattr(user, column, value)
        audit.record(session=session, actor=actor.username, action=f"{column}_changed",
                     payload={"username": user.username, "from": before, "to": value})
    return user


def set_language(*, session: Session, actor: Actor, language: str) -> User:
    """Remember the actor's language."""
    if language not in LANGUAGES:
        raise InvalidInput(USER_INVALID_LANGUAGE, fields={"language": USER_LANGUAGES()})
    return _change(session, actor, _own(session, actor), "language", language)


def set_time_zone(*, session: Session, actor: Actor, time_zone_name: str | None) -> User:
    """Remember the zone the actor reads times in (None: the deployment's)."""
    name = (time_zone_name or "").strip() or None
    if name is not None:
        try:
            time_zone(name)
        except ValueError as exc:
            raise InvalidInput(USER_INVALID_TIME_ZONE, fields={"time_zone": exc.args[0]}) from exc
    return _change(session, actor, _own(session, actor), "time_zone", name)


def set_email(*, session: Session, actor: Actor, email: str | None) -> User:
    """Where e-mail notifications reach the actor (None: not by e-mail)."""
    address = (email or "").strip() or None
    if address is not None and (len(address) > 254 or not EMAIL.match(address)):
        raise InvalidInput(USER_INVALID_EMAIL, fields={"email": USER_EMAIL_FORMAT(address=address[:100])})
    return _change(session, actor, _own(session, actor), "email", address)
