"""engine.db.prepared stores exactly what Core stores: for each column type the command path writes
(text, integers, booleans, floats, timezone-aware timestamps, JSON — also JSON null and non-ASCII
text, which the audit chain's hashes and the task data's content hashes depend on), a row written
through the prepared statement reads back byte for byte like the same row written by
`Connection.execute`, as an INSERT, an INSERT … ON CONFLICT DO UPDATE and an UPDATE."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    insert,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.db import prepared
from engine.models.base import JSONType, UTCDateTime

_METADATA = MetaData()
_TABLE = Table(
    "prepared_check", _METADATA,
    Column("id", Integer, primary_key=True), Column("name", String(64)), Column("body", Text),
    Column("number", Integer), Column("flag", Boolean), Column("moment", Float),
    Column("at", UTCDateTime()), Column("maybe_at", UTCDateTime(), nullable=True),
    Column("doc", JSONType), Column("items", JSONType), Column("null_doc", JSONType, nullable=True),
)
_VALUES = ("name", "body", "number", "flag", "moment", "at", "maybe_at", "doc", "items", "null_doc")
_INSERT = insert(_TABLE)
_UPDATE = update(_TABLE).where(_TABLE.c.id == bindparam("_key")).values(
    {name: bindparam(f"_set_{name}") for name in ("body", "at", "doc")})


def _row(n: int) -> dict[str, Any]:
    return {
        "name": f"巡查 {n} \"quoted\"", "body": "line one\nline two 二", "number": n, "flag": n % 2 == 0,
        "moment": 1764355000.123456 + n,
        "at": datetime(2026, 11, 28, 19, 3, 4, 5 + n, tzinfo=timezone(timedelta(hours=8))),
        "maybe_at": None if n % 2 else datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "doc": {"中文": "值", "nested": {"b": [1, 2.5, None, True], "a": "x"}, "n": n},
        "items": [str(n), "两", {"k": None}], "null_doc": None,
    }


@pytest.fixture
def connection(database_url: str) -> Iterator[Connection]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        _METADATA.create_all(conn)
        yield conn
        conn.rollback()
    engine.dispose()


def _stored(conn: Connection) -> list[tuple[Any, ...]]:
    """Every row as the database holds it (no type processing on the way back: SQLite's text, and
    PostgreSQL's own text form of each value)."""
    if conn.dialect.name == "sqlite":
        return [tuple(row) for row in conn.exec_driver_sql("SELECT * FROM prepared_check ORDER BY id")]
    columns = ", ".join(f"{name}::text, {name} IS NULL" for name in ("id", *_VALUES))
    return [tuple(row) for row in conn.exec_driver_sql(f"SELECT {columns} FROM prepared_check ORDER BY id")]


def _pairs(conn: Connection) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """Rows n and n + 100 side by side, without their ids."""
    rows = _stored(conn)
    by_id = {int(row[0]): row for row in rows}
    skip = 1 if conn.dialect.name == "sqlite" else 2
    return [(by_id[key][skip:], by_id[key + 100][skip:]) for key in sorted(by_id) if key < 100]


def test_an_insert_stores_what_core_stores(connection: Connection) -> None:
    connection.execute(_INSERT, [{"id": 1, **_row(1)}])
    prepared.execute(connection, _INSERT, [{"id": 101, **_row(1)}])
    connection.execute(_INSERT, [{"id": n, **_row(n)} for n in (2, 3, 4)])  # executemany
    prepared.execute(connection, _INSERT, [{"id": n + 100, **_row(n)} for n in (2, 3, 4)])
    pairs = _pairs(connection)
    assert len(pairs) == 4
    for core, ours in pairs:
        assert ours == core


def test_an_upsert_and_an_update_store_what_core_stores(connection: Connection) -> None:
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    upsert = dialect_insert(_TABLE)
    upsert = upsert.on_conflict_do_update(index_elements=["id"], set_={name: upsert.excluded[name] for name in _VALUES})
    for n in (1, 2):
        connection.execute(_INSERT, [{"id": n, **_row(n)}, {"id": n + 100, **_row(n)}])
    connection.execute(upsert, [{"id": 1, **_row(7)}, {"id": 3, **_row(8)}])
    prepared.execute(connection, upsert, [{"id": 101, **_row(7)}, {"id": 103, **_row(8)}])
    changes = {"_set_body": "changed 改", "_set_at": datetime(2026, 12, 1, tzinfo=UTC),
               "_set_doc": {"z": [1], "a": "é"}}
    connection.execute(_UPDATE, {"_key": 2, **changes})
    prepared.execute(connection, _UPDATE, [{"_key": 102, **changes}])
    pairs = _pairs(connection)
    assert len(pairs) == 3
    for core, ours in pairs:
        assert ours == core


def test_statements_with_python_side_defaults_are_refused(connection: Connection) -> None:
    """Core fills a column's Python default in; the prepared path would silently leave it out."""
    table = Table("prepared_defaults", MetaData(), Column("id", Integer, primary_key=True),
                  Column("flag", Boolean, default=False))
    with pytest.raises(ValueError, match="not a plain statement"):
        prepared.execute(connection, insert(table), [{"id": 1}])
