"""Idempotency keys: a command retried with the same key is answered with its first result.

The key is taken *inside the command's own transaction* and before the command acts: a
placeholder row is inserted first, so a concurrent retry with the same key waits on the primary
key (PostgreSQL) or on the write lock (SQLite) until the first attempt commits, and then finds
its result instead of acting again. If the command fails, its transaction rolls back and takes
the placeholder with it, so a retry after an error simply tries again (nothing happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.db import now
from engine.errors import InvalidInput
from engine.messages import IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_NEW_KEY
from engine.models import IdempotentCommand

__all__ = ["KEY_TTL", "StoredResult", "claim", "store"]

#: A key older than this is forgotten: the same key then starts a new command.
KEY_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResult:
    status: int
    body: Any


def _find(session: Session, key: str, actor: str) -> IdempotentCommand | None:
    return session.scalar(
        select(IdempotentCommand)
        .where(IdempotentCommand.key == key, IdempotentCommand.actor == actor)
        .execution_options(populate_existing=True)
    )


def _answer(row: IdempotentCommand, command: str, fingerprint: str) -> StoredResult:
    if row.command != command or row.result.get("fingerprint") != fingerprint:
        raise InvalidInput(IDEMPOTENCY_KEY_REUSED, fields={"Idempotency-Key": IDEMPOTENCY_NEW_KEY()})
    return StoredResult(status=int(row.result["status"]), body=row.result.get("body"))


def claim(
    *, session: Session, key: str, actor: str, command: str, fingerprint: str
) -> StoredResult | None:
    """None when the key is new (it is now taken by this transaction), else the first result.

    `fingerprint` identifies the request (method, path, body); reusing a key for a different
    request is refused rather than silently answered with an unrelated result.
    """
    command = command[:64]
    row = _find(session, key, actor)
    if row is not None and row.created_at < now(session) - KEY_TTL:
        session.execute(delete(IdempotentCommand).where(
            IdempotentCommand.key == key, IdempotentCommand.actor == actor))
        row = None
    if row is not None:
        return _answer(row, command, fingerprint)
    try:
        with session.begin_nested():
            session.add(IdempotentCommand(
                key=key, actor=actor, command=command,
                result={"fingerprint": fingerprint, "status": 0, "body": None},
                created_at=now(session),
            ))
            session.flush()
    except IntegrityError:
        # A concurrent request with the same key committed first (we waited for it).
        row = _find(session, key, actor)
        if row is None:  # pragma: no cover - it rolled back between our insert and read
            raise
        return _answer(row, command, fingerprint)
    return None


def store(*, session: Session, key: str, actor: str, status: int, body: Any) -> None:
    """Record the result of the command that took `key` (same transaction as the command)."""
    row = _find(session, key, actor)
    if row is None:  # pragma: no cover - claim() always runs first
        raise RuntimeError("store() without claim()")
    row.result = {**row.result, "status": status, "body": body}
