"""The one command door: how the API's routes, the pages and the CLI run a state change.

    commands.run(database, caller, lambda session, actor: tasks.claim(session=session, actor=actor, ...))

`run()` refuses auditors (they read everything and change nothing), opens one unit of work
(`Database.transaction()`), calls the engine with the caller's actor and commits — all or
nothing. Each door adds only what is its own:

- routes take `CommandDep` (`CommandRunner.run(action, payload)`): the same `run()`, plus the
  `Idempotency-Key`, claimed in that same transaction before acting; the response is serialised
  inside it and stored with the key, so a retry gets the stored status and body back (header
  `Idempotent-Replayed: true`) and the engine is not called again;
- pages call `PageContext.command(action)` (api/pages/session.py) as the signed-in user;
- the CLI calls `run()` with `cli_caller(database, username)`: a user (`--as`), or the local
  operator.

What an engine error means at each door — HTTP status for routes, the status of the error page
for pages, exit code for the CLI — is one table: `api.errors.OUTCOMES`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import CurrentUser, DatabaseDep, Principal, principal_of
from api.messages import AUDITOR_READ_ONLY
from engine import idempotency, seats
from engine.actors import Actor
from engine.db import Database
from engine.errors import Forbidden

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Action = Callable[[Session, Actor], T]
Payload = BaseModel | Mapping[str, bytes] | None


class Caller(Protocol):
    """Who runs a command: a signed-in person (`api.deps.Principal`) or the local operator."""

    @property
    def actor(self) -> Actor: ...

    @property
    def is_auditor(self) -> bool: ...


@dataclass(frozen=True)
class LocalOperator:
    """The CLI without `--as`: whoever runs `renxing` on the server acts as the system."""

    actor: Actor = Actor.system("cli")
    is_auditor: bool = False


def run(database: Database, caller: Caller, action: Action[T], *, own_settings: bool = False) -> T:
    """Run `action(session, actor)` as one unit of work. `own_settings`: the change is to the
    caller's own preferences (the page language), which auditors may make too."""
    if caller.is_auditor and not own_settings:
        raise Forbidden(AUDITOR_READ_ONLY)
    with database.transaction() as session:
        return action(session, caller.actor)


def cli_caller(database: Database, username: str | None) -> Caller:
    """The CLI's caller: the named user with their seats, or the local operator."""
    if username is None:
        return LocalOperator()
    with database.read() as session:
        return principal_of(session, seats.get_user(session=session, username=username))


# --- routes: the same door, with the Idempotency-Key ------------------------------------------------
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
           description="Optional. A unique key (e.g. a UUID) per command: retrying the same command "
                       "with the same key returns the first result and does not act twice."),
]


@dataclass(frozen=True)
class _Replayed:
    first: idempotency.StoredResult


class CommandRunner:
    def __init__(self, request: Request, database: Database, principal: Principal, key: str | None) -> None:
        self.request = request
        self.database = database
        self.principal = principal
        self.key = key

    @property
    def _status(self) -> int:
        route = self.request.scope.get("route")
        return int(getattr(route, "status_code", None) or 200)

    @property
    def _command(self) -> str:
        route = self.request.scope.get("route")
        return f"{self.request.method} {getattr(route, 'path', self.request.url.path)}"

    def _fingerprint(self, payload: Payload) -> str:
        """Identifies the request by meaning (parsed body), not bytes: a retry whose JSON is
        re-serialised, or whose multipart boundary differs, is still the same command."""
        if isinstance(payload, BaseModel):
            content: Any = payload.model_dump(mode="json")
        elif isinstance(payload, Mapping):
            content = {name: hashlib.sha256(data).hexdigest() for name, data in payload.items()}
        else:
            content = None
        canonical = json.dumps([self.request.method, self.request.url.path, self.request.url.query, content],
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def run(self, action: Action[M], payload: Payload = None) -> M | Response:
        """`commands.run()` for a route; `payload` is the parsed request body (a model, or file
        name -> bytes for uploads), which a retried key must match."""
        key = self.key

        def once(session: Session, actor: Actor) -> M | _Replayed:
            if key is not None:
                first = idempotency.claim(session=session, key=key, actor=actor.username,
                                          command=self._command, fingerprint=self._fingerprint(payload))
                if first is not None:
                    return _Replayed(first)
            result = action(session, actor)
            if key is not None:
                idempotency.store(session=session, key=key, actor=actor.username,
                                  status=self._status, body=result.model_dump(mode="json"))
            return result

        outcome = run(self.database, self.principal, once)
        if isinstance(outcome, _Replayed):
            return JSONResponse(outcome.first.body, status_code=outcome.first.status,
                                headers={"Idempotent-Replayed": "true"})
        return self._answer(outcome)

    def _answer(self, result: M) -> M | Response:
        """The result as the route's JSON, serialised here: FastAPI would validate the model it just
        got a second time, in its thread pool. A result of another type than the route's response
        model is left to FastAPI, which keeps only the model's fields."""
        if type(result) is not getattr(self.request.scope.get("route"), "response_model", None):
            return result
        return Response(result.model_dump_json(), status_code=self._status, media_type="application/json")


async def get_command(request: Request, database: DatabaseDep, principal: CurrentUser,
                      key: IdempotencyKey = None) -> CommandRunner:
    return CommandRunner(request, database, principal, key)


CommandDep = Annotated[CommandRunner, Depends(get_command)]
