"""Engines, sessions and the one unit-of-work helper that commits.

SQLite: WAL with ``synchronous=FULL`` (durable), foreign keys on, and write transactions opened
with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade — reads stay deferred
and run beside the writer. Writers of one process share transactions by group commit
(``engine.db.group_commit``): one fsync for a queue of commands, each in its own savepoint.
PostgreSQL: ordinary READ COMMITTED transactions; commands lock the incident row with
``SELECT … FOR UPDATE`` (see ``engine.db.locking``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock, SystemClock
from engine.config import Settings
from engine.db.group_commit import GroupCommit

_WRITE = "renxing_write"
DEFAULT_EXPRESSION_TIMEOUT = Settings.model_fields["expression_timeout_seconds"].default


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's transaction has committed (never if it rolls back)."""
    session.info["after_commit"].append(callback)


def now(session: Session) -> datetime:
    """The current time of the clock the session's database was opened with."""
    clock: Clock = session.info["clock"]
    return clock.now()


class Database:
    """One per process: the SQLAlchemy engine, the clock, and session factories."""

    def __init__(self, url: str, *, clock: Clock | None = None, echo: bool = False,
                 expression_timeout: float = DEFAULT_EXPRESSION_TIMEOUT) -> None:
        self.url = url
        self.clock: Clock = clock or SystemClock()
        #: Wall-clock budget of one sandboxed expression in this database's commands.
        self.expression_timeout = expression_timeout
        #: Scopes process-local caches to this Database (tests open several "processes" at once).
        self.token = uuid.uuid4().hex
        parsed = make_url(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if parsed.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine = create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(**{_WRITE: True})
        # SQLite admits one writer at a time and makes the others poll with growing sleeps, which
        # starves some of them under load; writers of one process queue here instead, and share
        # one COMMIT (one fsync) when they queue together.
        self.group_commit = GroupCommit(writer) if self.engine.dialect.name == "sqlite" else None
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> Database:
        return cls(settings.database_url, clock=clock, expression_timeout=settings.expression_timeout_seconds)

    def _info(self) -> dict[str, Any]:
        """What every session carries: the clock, the cache scope, the expression budget."""
        return {"clock": self.clock, "db_token": self.token, "expression_timeout": self.expression_timeout}

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self, *, snapshot: bool = False) -> Iterator[Session]:
        """A session for queries; never commits. With `snapshot`, every query of the session sees
        one moment even while others commit (PostgreSQL: REPEATABLE READ; a SQLite read
        transaction is one already): what walking the audit chains of a working database needs."""
        session = self._reader(info=self._info())
        if snapshot and self.dialect == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay readable, detached

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The unit of work: everything inside lands together or not at all, and the block
        returns only once it is committed (durably, on SQLite with the commands queued beside it)."""
        info = {**self._info(), "after_commit": []}
        if self.group_commit is not None:
            with self.group_commit.session(info) as session:
                yield session
        else:
            session = self._writer(info=info)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        for callback in info["after_commit"]:
            callback()

    def dispose(self) -> None:
        self.engine.dispose()
