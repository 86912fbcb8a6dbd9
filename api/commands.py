"""`CommandDep`: how every state-changing route runs — one unit of work, idempotent on request.

    @router.post(..., response_model=TaskOut)
    def complete(task_id: str, body: CompleteTask, command: CommandDep) -> TaskOut | Response:
        return command.run(lambda s, actor: TaskOut.of(tasks.complete(session=s, actor=actor, ...)), body)

`run()` opens `Database.transaction()`, takes the `Idempotency-Key` (if sent) in that same
transaction before acting, calls the engine, serialises the response *inside* the transaction and
stores it with the key, then commits. A retry with the key gets the stored status and body back
(header `Idempotent-Replayed: true`) and the engine is not called again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import CurrentUser, DatabaseDep, Principal
from api.messages import AUDITOR_READ_ONLY
from engine import idempotency
from engine.actors import Actor
from engine.db import Database
from engine.errors import Forbidden

M = TypeVar("M", bound=BaseModel)
Action = Callable[[Session, Actor], M]
Payload = BaseModel | Mapping[str, bytes] | None

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
           description="Optional. A unique key (e.g. a UUID) per command: retrying the same command "
                       "with the same key returns the first result and does not act twice."),
]


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

    def run(self, action: Action[M], payload: Payload = None) -> M | JSONResponse:
        """Run `action(session, actor)` as one unit of work; `payload` is the parsed request body
        (a model, or file name -> bytes for uploads), which a retried key must match."""
        if self.principal.is_auditor:
            raise Forbidden(AUDITOR_READ_ONLY)
        actor = self.principal.actor
        with self.database.transaction() as session:
            if self.key is not None:
                first = idempotency.claim(session=session, key=self.key, actor=actor.username,
                                          command=self._command, fingerprint=self._fingerprint(payload))
                if first is not None:
                    return _replay(first)
            result = action(session, actor)
            if self.key is not None:
                idempotency.store(session=session, key=self.key, actor=actor.username,
                                  status=self._status, body=result.model_dump(mode="json"))
        return result


def _replay(first: idempotency.StoredResult) -> JSONResponse:
    return JSONResponse(first.body, status_code=first.status, headers={"Idempotent-Replayed": "true"})


def get_command(request: Request, database: DatabaseDep, principal: CurrentUser,
                key: IdempotencyKey = None) -> CommandRunner:
    return CommandRunner(request, database, principal, key)


CommandDep = Annotated[CommandRunner, Depends(get_command)]
