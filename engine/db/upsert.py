"""INSERT … ON CONFLICT for the session's dialect: PostgreSQL's and SQLite's share the API but not
the class, so every upsert asks here instead of switching on the dialect itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session, table: Any) -> Any:
    """`insert(table)` supporting `.on_conflict_do_nothing()` / `.on_conflict_do_update()`."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table)
