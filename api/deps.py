"""Dependency aliases every route uses: `DatabaseDep`, `SessionDep`, `CurrentUser`, `CommandDep`.

There is deliberately no "write session" dependency: a yield-dependency commits after the
handler returned, too late to turn a failed commit into the right response and unable to store
the response for an idempotent retry in the same transaction. Commands go through `CommandDep`
(see `api.commands`) instead, which owns the unit of work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api import security
from api.errors import Unauthenticated
from api.messages import ACCOUNT_GONE, LOG_IN_FIRST
from engine import seats
from engine.actors import Actor
from engine.config import Settings
from engine.db import Database
from engine.errors import NotFound
from engine.models import User
from forms.vocabulary import AUDITOR

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False,
                              description="Log in at `POST /auth/token` and send `Authorization: Bearer <token>`.")


# The dependencies that only read the app's state are `async`: FastAPI runs a plain `def`
# dependency in its thread pool, a hand-off per dependency per request for a dictionary lookup.
async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(database: DatabaseDep) -> AsyncIterator[Session]:
    """A read-only session for the request; it never commits. Made on the event loop (building a
    Session does no I/O: the route's first query connects, in the route's thread), closed in the
    thread pool (ending its transaction is a round trip) — one thread hand-off, not two."""
    reading = database.read()
    session = reading.__enter__()
    try:
        yield session
    finally:
        await run_in_threadpool(reading.__exit__, None, None, None)


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Principal:
    """The authenticated user, with the seats they hold for every incident and for one incident."""

    user_id: int
    username: str
    display_name: str
    is_admin: bool
    global_roles: frozenset[str]
    #: (role, incident id) of each seat held for one incident.
    incident_seats: frozenset[tuple[str, int]]

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, user_id=self.user_id, is_admin=self.is_admin)

    @property
    def is_auditor(self) -> bool:
        return AUDITOR in self.global_roles

    @property
    def seats(self) -> list[tuple[str, int | None]]:
        """Every seat, as `engine.tasks.inbox_rows` takes them (read with the principal, at the
        seats version of this request: the inbox need not read them again)."""
        return [*((role, None) for role in self.global_roles), *self.incident_seats]


class _Principals:
    """Principals of this process by user, each with the seats version it was read at: a request
    whose version still matches needs no user or seat query (any seat or account change moves the
    version, in whichever process it happened)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple[int, Principal]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int], version: int) -> Principal | None:
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] == version else None

    def put(self, key: tuple[str, int], version: int, principal: Principal) -> None:
        with self._lock:
            self._entries[key] = (version, principal)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)


_PRINCIPALS = _Principals()


async def get_signing_key(request: Request) -> security.SigningKey:
    signing_key: security.SigningKey = request.app.state.signing_key
    return signing_key


SigningKeyDep = Annotated[security.SigningKey, Depends(get_signing_key)]


def get_principal(
    database: DatabaseDep, signing_key: SigningKeyDep,
    token: Annotated[str | None, Depends(oauth2)],
) -> Principal:
    if not token:
        raise Unauthenticated(LOG_IN_FIRST)
    claims = security.verify(key=signing_key.current(), token=token, now=database.clock.now())
    key = (database.token, claims.user_id)
    with database.engine.connect() as connection:  # one small row: no ORM session for it
        version = seats.seats_version(session=connection)
    known = _PRINCIPALS.get(key, version)
    if known is not None and known.username == claims.username:
        return known
    # Read after the version: if seats change in between, the principal is newer than its version
    # says, and the next request reads it again.
    with database.read() as session:
        try:
            user = seats.get_user(session=session, username=claims.username)
        except NotFound:
            user = None
        if user is None or user.id != claims.user_id or not user.is_active:
            raise Unauthenticated(ACCOUNT_GONE)
        principal = principal_of(session, user)
    _PRINCIPALS.put(key, version, principal)
    return principal


def principal_of(session: Session, user: User) -> Principal:
    """A user with the seats they hold, for every incident and for one incident."""
    held = seats.seats_held(session=session, user_id=user.id)
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     is_admin=user.is_admin, global_roles=frozenset(role for role, where in held if where is None),
                     incident_seats=frozenset((role, where) for role, where in held if where is not None))


CurrentUser = Annotated[Principal, Depends(get_principal)]
