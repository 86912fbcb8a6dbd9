"""Logging in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from api import commands, security
from api.deps import CurrentUser, DatabaseDep, SessionDep, SettingsDep, SigningKeyDep
from api.schemas.common import COMMAND_ERRORS, ERRORS, clean_text
from api.schemas.users import TokenOut, UpdateMe, UserOut, user_out
from engine import seats
from engine.actors import Actor
from engine.seats import auth, preferences

router = APIRouter(tags=["auth"], responses=ERRORS)

FormText = Annotated[str, Form(min_length=1, max_length=1024), AfterValidator(clean_text)]


@router.post(
    "/auth/token", response_model=TokenOut,
    summary="Log in: exchange username and password for a bearer token",
    description=(
        "OAuth2 password flow (form fields `username`, `password`). The token is valid for "
        "`expires_in` seconds. After 5 failed attempts the account is locked for 15 minutes "
        "(answered 429 with `Retry-After`)."
    ),
    responses={429: ERRORS[401] | {"description": "Locked after repeated failed logins."}},
)
def login(database: DatabaseDep, settings: SettingsDep, signing_key: SigningKeyDep,
          username: FormText, password: FormText) -> TokenOut:
    user = auth.login(database, username=username, password=password)
    token, ttl = security.issue(settings=settings, key=signing_key.current(), username=user.username,
                                user_id=user.user_id, now=database.clock.now())
    return TokenOut(access_token=token, expires_in=ttl)


@router.get("/me", response_model=UserOut, summary="Who am I, and which seats do I hold")
def me(principal: CurrentUser, session: SessionDep) -> UserOut:
    return user_out(session, seats.get_user(session=session, username=principal.username))


@router.patch("/me", response_model=UserOut, responses=COMMAND_ERRORS,
              summary="Change my own settings: the pages' language, time zone, notification e-mail")
def update_me(body: UpdateMe, principal: CurrentUser, database: DatabaseDep) -> UserOut:
    """One's own settings, so auditors too (the command door refuses them every other change)."""

    def update(session: Session, actor: Actor) -> UserOut:
        if body.language is not None:
            preferences.set_language(session=session, actor=actor, language=body.language)
        if "time_zone" in body.model_fields_set:
            preferences.set_time_zone(session=session, actor=actor, time_zone_name=body.time_zone)
        if "email" in body.model_fields_set:
            preferences.set_email(session=session, actor=actor, email=body.email)
        return user_out(session, seats.get_user(session=session, username=actor.username))

    return commands.run(database, principal, update, own_settings=True)
