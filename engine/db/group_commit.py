"""Group commit for SQLite: concurrent commands of one process share one transaction and one fsync.

SQLite admits one writer at a time, and with `synchronous=FULL` every COMMIT waits for the disk.
Commands of one process therefore queue here for the single write connection. The first opens a
transaction (`BEGIN IMMEDIATE`) and runs in it directly; each command that joins an open transaction
runs in its own SAVEPOINT (its own Session joined to that transaction), so a command that fails
rolls back alone and raises its own error — the first one too, by rolling back the transaction that
holds nothing else yet. A lone command thus costs no SAVEPOINT and RELEASE. When a
command is done and others are already waiting, it hands the open transaction to the next one
instead of committing; the last of the queue (or the one that fills a batch) commits once for all
of them. Every command's `with` block returns — and its caller answers — only after that COMMIT:
nothing is acknowledged before it is durable. A failed COMMIT fails every command of the batch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

#: Commands in one transaction at most, so a steady stream still commits regularly.
MAX_BATCH = 64


class _Member:
    """A command that succeeded in its savepoint and waits for its batch's COMMIT."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._error: BaseException | None = None

    def resolve(self, error: BaseException | None) -> None:
        self._error = error
        self._done.set()

    def wait(self) -> None:
        self._done.wait()
        if self._error is not None:
            raise self._error


class GroupCommit:
    """The single write connection of a SQLite Database and its queue of commands."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._turn = threading.Lock()  # held by the command using the open transaction
        self._counter = threading.Lock()
        self._waiting = 0
        self._connection: Connection | None = None
        self._members: list[_Member] = []
        self._owner: int | None = None  # the thread whose turn it is
        #: Transactions committed (a test and the bench read it: commands per COMMIT).
        self.commits = 0

    @property
    def waiting(self) -> int:
        """Commands queued for the open transaction right now."""
        with self._counter:
            return self._waiting

    @contextmanager
    def session(self, info: dict[str, Any]) -> Iterator[Session]:
        """A Session in its own savepoint of the shared transaction; returns after the COMMIT."""
        if self._owner == threading.get_ident():
            raise RuntimeError("a write transaction inside another of the same thread would wait for itself")
        with self._counter:
            self._waiting += 1
        self._turn.acquire()
        self._owner = threading.get_ident()
        with self._counter:
            self._waiting -= 1
        first = self._connection is None
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
                self._connection.begin()
            # The first command of a transaction is alone in it: its failure rolls back the
            # transaction itself. Later ones run in a savepoint, so theirs spares the batch.
            session = Session(bind=self._connection, expire_on_commit=False, info=info,
                              join_transaction_mode="rollback_only" if first else "create_savepoint")
        except BaseException:
            self._finish_turn()
            raise
        try:
            yield session
            session.commit()  # flushed, kept in the shared transaction (RELEASE SAVEPOINT if one)
        except BaseException:
            session.rollback()  # this command alone: to its savepoint, or the whole transaction
            session.close()
            if first:
                self._drop_connection()
            self._finish_turn()
            raise
        session.close()
        member = _Member()
        self._members.append(member)
        self._finish_turn()
        member.wait()

    def _drop_connection(self) -> None:
        """After the first command rolled the transaction back: the next command begins anew."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _finish_turn(self) -> None:
        """Hand the open transaction to a waiting command, or commit it for the whole batch."""
        self._owner = None
        with self._counter:
            others = self._waiting
        if others and self._connection is not None and len(self._members) < self._max_batch:
            self._turn.release()
            return
        connection, self._connection = self._connection, None
        members, self._members = self._members, []
        error: BaseException | None = None
        try:
            if connection is not None:
                connection.commit()
                self.commits += 1
        except BaseException as exc:  # the batch did not land: every member fails with it
            error = exc
            if connection is not None:
                connection.invalidate()  # closes the DBAPI connection: SQLite drops what it held
        finally:
            if connection is not None:
                connection.close()
            self._turn.release()
        for member in members:
            member.resolve(error)
