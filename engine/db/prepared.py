"""The command path's writes, compiled once per dialect and sent at the driver level.

`Connection.execute(statement, rows)` redoes, on every call, work whose result never changes for
a statement the engine builds once: the statement's cache key and the compiled-cache lookup, an
execution context that sorts the parameters into the compiled order and runs each value through
its column type's bind processor — about 0.03–0.05 ms per statement on this machine, for a
command that sends six of them. Here the statement is compiled once per dialect (and set of
columns given), each bind's processor looked up once, and `execute` applies exactly those
processors to the values in the compiled order and hands the SQL text and the driver's parameters
to `exec_driver_sql`. The values stored are the ones Core would store (the same processors: JSON
text from the dialect's serialiser, SQLite's datetime string, psycopg's Jsonb wrapper), which
tests/test_prepared.py checks column type by column type; `exec_driver_sql` still fires
`before_cursor_execute`, so statement counting sees these statements.

For statements with plain bind parameters only: no Python-side column defaults or onupdate
values (the caller passes every column), no expanding IN lists, no literal rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from threading import Lock
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class _Prepared:
    """One statement compiled for one dialect and one set of parameter names."""

    __slots__ = ("sql", "_names", "_processors", "_named")

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: Sequence[str]) -> None:
        # As for executemany: no RETURNING of generated keys, which nothing here reads.
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True))
        if (compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
                or compiled.post_compile_params):
            raise ValueError(f"not a plain statement for {__name__}: {compiled.string[:80]}")
        self.sql = compiled.string
        order = compiled.positiontup if dialect.positional else list(compiled.binds)
        assert order is not None
        #: bind names in the order the driver takes them
        self._names: tuple[str, ...] = tuple(order)
        #: (index, processor) of each bind whose type processes its value, as Core looks it up
        self._processors: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (index, process) for index, name in enumerate(self._names)
            if (process := compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None)
        escaped = compiled.escaped_bind_names
        #: for named paramstyles (psycopg), the names the SQL text uses
        self._named: tuple[str, ...] | None = (
            None if dialect.positional else tuple(escaped.get(name, name) for name in self._names))

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = [row[name] for name in self._names]
        for index, process in self._processors:
            values[index] = process(values[index])
        return tuple(values) if self._named is None else dict(zip(self._named, values, strict=True))


_PREPARED: dict[tuple[ClauseElement, str, str, tuple[str, ...]], _Prepared] = {}
_LOCK = Lock()


def execute(connection: Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run `statement` for each of `rows` (dicts with the same keys) in one call: the driver's
    executemany, or execute for one row. `statement` must be built once and kept (it keys the cache)."""
    if not rows:
        return
    dialect = connection.dialect
    keys = tuple(rows[0])
    key = (statement, dialect.name, dialect.driver, keys)
    prepared = _PREPARED.get(key)
    if prepared is None:
        with _LOCK:
            prepared = _PREPARED.setdefault(key, _Prepared(statement, dialect, keys))
    connection.exec_driver_sql(prepared.sql, [prepared.parameters(row) for row in rows])
