"""A person's own settings: today only the language of the pages (English / 简体中文).

Why in the engine: `users.language` is a column like any other, and changing it is a state
change with its audit event, whether a page, the API or the CLI asks for it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.errors import InvalidInput, NotFound
from engine.messages import USER_INVALID_LANGUAGE, USER_LANGUAGES, USER_NOT_FOUND
from engine.models import User
from forms.vocabulary import LANGUAGES


def set_language(*, session: Session, actor: Actor, language: str) -> User:
    """Remember the actor's language; a no-op (and no event) when it is already set."""
    if language not in LANGUAGES:
        raise InvalidInput(USER_INVALID_LANGUAGE, fields={"language": USER_LANGUAGES()})
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound(USER_NOT_FOUND, username=actor.username)
    if user.language != language:
        before, user.language = user.language, language
        audit.record(session=session, actor=actor.username, action="language_changed",
                     payload={"username": user.username, "from": before, "to": language})
    return user
