"""Rows loaded through the ORM but written with Core: the command path's writes without a unit
of work. After the Core statement the ORM is told its copy is what the database holds, so no
flush looks at the row again.

A row settled here is no longer "modified" for the ORM, so a SAVEPOINT rolled back after its
write would not expire it: write it last in the savepoint (as `sync` does), or expire it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.db import prepared

#: UPDATE statements by (table, columns set): built once, like `upsert_for`'s.
_UPDATES: dict[tuple[str, frozenset[str]], Any] = {}


def settle(row: Any, names: Iterable[str]) -> None:
    """Mark the attributes `names` of `row` as stored; when nothing else of it is pending, the
    row is clean again (a flush skips it)."""
    for name in names:
        set_committed_value(row, name, getattr(row, name))
    state = inspect(row)
    if not state.committed_state and state.session_id is not None:
        state._commit_all(state.dict, state.session.identity_map)  # what a flush does after writing


def write_changes(session: Session, row: Any) -> None:
    """UPDATE the columns of `row` changed since it was loaded, in one Core statement, and settle them."""
    state = inspect(row)
    mapper = state.mapper
    changed = {prop.key: prop.columns[0].key for prop in mapper.column_attrs if prop.key in state.committed_state}
    if not changed:
        return
    table: Table = mapper.local_table  # type: ignore[assignment]
    key = (table.name, frozenset(changed.values()))
    statement = _UPDATES.get(key)
    if statement is None:
        primary = mapper.primary_key[0]
        statement = _UPDATES[key] = update(table).where(primary == bindparam("_row_key")).values(
            {column: bindparam(f"_set_{column}") for column in changed.values()})
    prepared.execute(session.connection(), statement, [{"_row_key": state.identity[0], **{
        f"_set_{column}": getattr(row, name) for name, column in changed.items()}}])
    settle(row, changed)
