"""The references: what the database itself does with one-row durable transactions.

SQLite: Python's sqlite3 on a file in the same folder as the engine's database, with the engine's
settings (WAL, synchronous=FULL, BEGIN IMMEDIATE … COMMIT per row). PostgreSQL: psycopg
connections, one per worker process, each committing one-row INSERTs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from bench.common import Batched

_PAYLOAD = "x" * 100


class SqliteCommits(Batched):
    """One connection committing one-row transactions, as the engine's writer does."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._conn.execute("CREATE TABLE IF NOT EXISTS raw_rows (id INTEGER PRIMARY KEY, payload TEXT)")

    def batch(self, count: int) -> int:
        for _ in range(count):
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("INSERT INTO raw_rows (payload) VALUES (?)", (_PAYLOAD,))
            self._conn.execute("COMMIT")
        return count

    def close(self) -> None:
        self._conn.close()


def prepare_postgres(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS raw_rows (id bigserial PRIMARY KEY, worker int, payload text)")


class PgInserts:
    """A worker (see bench.parallel) committing one-row INSERTs on its own connection."""

    def __init__(self, index: int, *, dsn: str) -> None:
        self._index = index
        self._conn = psycopg.connect(dsn)

    def batch(self, count: int) -> int:
        for _ in range(count):
            self._conn.execute("INSERT INTO raw_rows (worker, payload) VALUES (%s, %s)", (self._index, _PAYLOAD))
            self._conn.commit()
        return count

    def close(self) -> None:
        self._conn.close()
