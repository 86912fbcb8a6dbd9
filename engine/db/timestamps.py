"""Stored times read as ISO text in UTC, for a reader that parses them itself (pydantic-core does,
in Rust): SQLAlchemy's result processing of a `UTCDateTime` column — parse the text (SQLite),
then attach or convert the zone, a Python call per value — is skipped.

SQLite stores `2026-11-28 06:30:00.123456` (UTC, SQLAlchemy's format); PostgreSQL formats its
`timestamptz` in UTC the same way. Both end in `Z`, so the reader gets the same aware UTC
datetime that `UTCDateTime` gives; NULL stays NULL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_text(FunctionElement[str]):  # noqa: N801 - a SQL function, named like one
    """`utc_text(column)`: the stored time as `YYYY-MM-DD HH:MM:SS.ffffffZ` (UTC), or NULL."""

    type = String()
    inherit_cache = True
    name = "utc_text"


@compiles(utc_text, "sqlite")
def _sqlite(element: utc_text, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} || 'Z')"


@compiles(utc_text, "postgresql")
def _postgresql(element: utc_text, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US\"Z\"')"
