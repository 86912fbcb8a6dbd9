"""New rows written with Core but kept as ORM objects: a command that creates a row and goes on
working with it (an incident's start) INSERTs it without a unit of work, and the session then
holds the object as if it had loaded it — later changes are tracked and written by
`engine.db.rows.write_changes`, and no flush looks at the row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

#: INSERT statements by table, built once.
_INSERTS: dict[str, Any] = {}


def insert_row(session: Session, row: Any) -> None:
    """INSERT the new object `row` — every column given except a generated primary key — in one
    Core statement, set its primary key, and add it to `session` as stored and unchanged.

    Every column must be set on the object (None included): an attribute left unset would be
    expired, and reading it would cost a SELECT."""
    mapper = inspect(row).mapper
    table: Table = mapper.local_table  # type: ignore[assignment]
    primary = mapper.primary_key[0]
    values = {prop.columns[0].key: row.__dict__[prop.key] for prop in mapper.column_attrs
              if prop.columns[0] is not primary}
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = insert(table)
    key = session.connection().execute(statement, values).inserted_primary_key
    assert key is not None  # a single-row INSERT
    setattr(row, mapper.get_property_by_column(primary).key, key[0])
    make_transient_to_detached(row)
    session.add(row)
