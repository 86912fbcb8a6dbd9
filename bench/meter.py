"""Count what a command sends to the database: statements, round trips and bytes written.

A SQLAlchemy `before_cursor_execute` listener sums the sizes of the bound parameters of
INSERT/UPDATE/DELETE statements: text by its UTF-8 length, bytes by length, JSON values (also
psycopg's wrapped ones) by their JSON text, numbers and timestamps as 8 — an estimate of the row
bytes a command writes, independent of page layout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event


def _size(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, dict | list | tuple):
        return len(json.dumps(value, default=str).encode())
    wrapped = getattr(value, "obj", None)  # psycopg's Json/Jsonb adapters wrap the Python value
    if wrapped is not None:
        return len(json.dumps(wrapped, default=str).encode())
    return 8


@dataclass
class Counts:
    statements: int = 0
    writes: int = 0
    bytes_written: int = 0


class Meter:
    """Attach once to an engine; `measure()` counts what runs inside the block."""

    def __init__(self, engine: Engine) -> None:
        self.counts = Counts()
        self._active = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, parameters: Any,
                    _context: Any, executemany: bool) -> None:
        if not self._active:
            return
        self.counts.statements += 1
        verb = statement.lstrip()[:6].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            self.counts.writes += 1
            rows = parameters if executemany else [parameters]
            self.counts.bytes_written += sum(_size(row) for row in rows)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Statements inside are not counted (the bench's own reads inside a measured command)."""
        active, self._active = self._active, False
        try:
            yield
        finally:
            self._active = active

    @contextmanager
    def measure(self) -> Iterator[Counts]:
        self.counts = Counts()
        self._active = True
        try:
            yield self.counts
        finally:
            self._active = False


def timed(meter: Meter, action: object) -> tuple[float, int, int, float]:
    """(wall seconds, bytes written, statements, CPU seconds of this process) of one command."""
    with meter.measure() as counts:
        start, cpu = time.perf_counter(), time.process_time()
        action()  # type: ignore[operator]
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, counts.bytes_written, counts.statements, cpu
