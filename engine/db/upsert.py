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


_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert_for(session: Session, table: Any, *, keys: tuple[str, ...], update: tuple[str, ...]) -> Any:
    """`INSERT … ON CONFLICT (keys) DO UPDATE SET` each of `update` to the inserted value (`DO
    NOTHING` when `update` is empty), built once per dialect and table (building its `excluded`
    columns costs more than running it)."""
    dialect = session.get_bind().dialect.name
    key = (dialect, table.name, keys, update)
    statement = _UPSERTS.get(key)
    if statement is None:
        insert = insert_for(session, table)
        statement = _UPSERTS[key] = insert.on_conflict_do_update(
            index_elements=list(keys), set_={name: insert.excluded[name] for name in update},
        ) if update else insert.on_conflict_do_nothing(index_elements=list(keys))
    return statement
