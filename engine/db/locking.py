"""Row locks for commands: `FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises writers, so there a plain SELECT inside the write transaction is enough."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


def lock_for_update(session: Session, query: Select[T], *, skip_locked: bool = False) -> T | None:
    query = query.execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    return session.scalars(query).first()
