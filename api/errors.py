"""The one place where errors become HTTP: engine errors, FastAPI's own, and the unexpected.

Every error answers one shape, so a client needs one parser:

    {"error": {"code": "conflict", "message": "task 'Report' is no longer ready",
               "message_code": "task.not_ready", "params": {"task": "Report"},
               "fields": {}, "field_codes": {}}}

`code` is the kind of error; `message` the English text; `message_code` and `params` say the same
by code (engine/messages.py, api/messages.py), so a client can show it in its reader's language;
`fields` and `field_codes` do the same per field path.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from api.messages import DATABASE_UNAVAILABLE, HTTP_ERROR, INTERNAL_ERROR, REQUEST_FIELD, REQUEST_NOT_VALID
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, RenxingError, WorkflowFailure
from engine.seats.auth import AccountLocked, AuthenticationFailed
from forms.messages import Message

log = logging.getLogger(__name__)

#: Codes for errors raised by FastAPI/Starlette themselves.
HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_input", 429: "too_many_requests",
    503: "unavailable",
}


class Unauthenticated(RenxingError):
    """No valid bearer token: 401 with a `WWW-Authenticate` challenge."""

    code = "unauthenticated"


class BadRequest(RenxingError):
    """A request no person's form could have sent (a NUL character in a field): 400."""

    code = "bad_request"


@dataclass(frozen=True)
class Outcome:
    """What an error means at the doors: the HTTP status (routes answer it, pages show their error
    page with it) and the exit code of the CLI (2: the input was wrong; 1: anything else)."""

    status: int
    exit_code: int


#: The one table of what each error means at each door; subclasses map like their nearest listed base.
OUTCOMES: tuple[tuple[type[RenxingError], Outcome], ...] = (
    (AccountLocked, Outcome(429, 1)),
    (AuthenticationFailed, Outcome(401, 1)),
    (Unauthenticated, Outcome(401, 1)),
    (BadRequest, Outcome(400, 2)),
    (NotFound, Outcome(404, 1)),
    (Forbidden, Outcome(403, 1)),
    (Conflict, Outcome(409, 1)),
    (InvalidInput, Outcome(422, 2)),
    (WorkflowFailure, Outcome(422, 1)),
)
UNLISTED = Outcome(400, 1)


def outcome_of(exc: RenxingError) -> Outcome:
    return next((outcome for cls, outcome in OUTCOMES if isinstance(exc, cls)), UNLISTED)


def status_of(exc: RenxingError) -> int:
    return outcome_of(exc).status


def error_body(code: str, message: Message, fields: Mapping[str, Message] | None = None) -> dict[str, Any]:
    fields = fields or {}
    return {"error": {
        "code": code, "message": str(message), "message_code": message.code, "params": message.params,
        "fields": {path: str(text) for path, text in fields.items()},
        "field_codes": {path: {"code": text.code, "params": text.params} for path, text in fields.items()},
    }}


def _renxing(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RenxingError)
    status = status_of(exc)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, AccountLocked):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    return JSONResponse(error_body(exc.code, exc.message, exc.fields), status_code=status, headers=headers)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields: dict[str, Message] = {}
    for error in exc.errors():
        fields.setdefault(_field_name(error.get("loc", ())), REQUEST_FIELD(detail=str(error.get("msg", "invalid"))))
    problems = "; ".join(f"{k}: {v}" for k, v in fields.items())
    message = REQUEST_NOT_VALID(problems=problems if len(problems) <= 970 else problems[:967] + "...")
    return JSONResponse(error_body("invalid_input", message, fields), status_code=422)


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    if isinstance(exc.detail, Message):
        message = exc.detail
    else:
        message = HTTP_ERROR(detail=exc.detail if isinstance(exc.detail, str) else code.replace("_", " "))
    return JSONResponse(error_body(code, message), status_code=exc.status_code,
                        headers=dict(exc.headers or {}))


#: Driver messages that mean "busy or unreachable, retry" rather than a bug.
_TRANSIENT = ("database is locked", "lock timeout", "could not connect", "connection refused",
              "server closed the connection", "terminating connection", "timeout expired")


def _database(request: Request, exc: Exception) -> JSONResponse:
    """The database is down or timed out on a lock: the client may retry; it is not their fault."""
    assert isinstance(exc, OperationalError)
    text = str(exc.orig).lower()
    if not (exc.connection_invalidated or any(marker in text for marker in _TRANSIENT)):
        return _unexpected(request, exc)
    log.warning("database unavailable: %s", exc)
    return JSONResponse(error_body("unavailable", DATABASE_UNAVAILABLE()),
                        status_code=503, headers={"Retry-After": "1"})


def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return JSONResponse(error_body("internal_error", INTERNAL_ERROR()),
                        status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RenxingError, _renxing)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(Exception, _unexpected)
