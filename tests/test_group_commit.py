"""Group commit (SQLite): commands queued in one process share one transaction and one COMMIT;
each that joins an open transaction runs in its own savepoint, and the first rolls back the
transaction it is alone in, so one that fails rolls back alone with its own error, and no
command returns before the COMMIT that makes it durable. On PostgreSQL the same commands commit
one by one; the rest of these guarantees hold there too."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import event, select

from engine import seats
from engine.db import Database, on_commit
from engine.errors import InvalidInput
from engine.models import User
from tests.scenario import ADMIN

QUEUED = 6


def _exists(db: Database, username: str) -> bool:
    with db.read() as session:
        return session.scalar(select(User.id).where(User.username == username)) is not None


def _queue_behind_one(
    db: Database, names: list[str], *, first_fails: bool = False
) -> tuple[dict[str, object], dict[str, bool]]:
    """The first command holds the transaction until the others have queued behind it (SQLite),
    then all finish (the first raising after its write, if `first_fails`); per name, what the
    command raised (or None) and whether its after-commit callback, reading through another
    connection, already saw its row."""
    outcomes: dict[str, object] = {}
    seen: dict[str, bool] = {}
    holding, release = threading.Event(), threading.Event()

    def command(name: str, first: bool) -> Callable[[], None]:
        def run() -> None:
            try:
                with db.transaction() as session:
                    seats.create_user(session=session, actor=ADMIN, username=name)
                    on_commit(session, lambda: seen.__setitem__(name, _exists(db, name)))
                    if first:
                        holding.set()
                        release.wait(30)
                        if first_fails:
                            raise LookupError(name)
                outcomes[name] = None
            except Exception as exc:  # noqa: BLE001 - recorded for the test to inspect
                outcomes[name] = exc
        return run

    threads = [threading.Thread(target=command(names[0], True))]
    threads[0].start()
    assert holding.wait(30)
    threads += [threading.Thread(target=command(name, False)) for name in names[1:]]
    for thread in threads[1:]:
        thread.start()
    if db.group_commit is not None:
        while db.group_commit.waiting < len(names) - 1:  # every other command queued behind the first
            threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(60)
    return outcomes, seen


def test_queued_commands_share_one_commit_and_a_failing_one_fails_alone(db: Database) -> None:
    names = [f"queued{n}" for n in range(QUEUED)] + ["Not A Valid Name!"]
    commits_before = db.group_commit.commits if db.group_commit else 0
    outcomes, seen = _queue_behind_one(db, names)

    assert isinstance(outcomes["Not A Valid Name!"], InvalidInput)
    assert all(outcomes[name] is None for name in names[:-1]), outcomes
    assert all(_exists(db, name) for name in names[:-1])
    assert not _exists(db, "Not A Valid Name!")
    # Each command's after-commit work ran only once its row could be read from elsewhere.
    assert seen == {name: True for name in names[:-1]}
    if db.group_commit is not None:
        assert db.group_commit.commits - commits_before == 1  # seven commands, one COMMIT


def test_the_first_command_of_a_batch_fails_alone(db: Database) -> None:
    names = [f"behind{n}" for n in range(QUEUED)]
    commits_before = db.group_commit.commits if db.group_commit else 0
    outcomes, seen = _queue_behind_one(db, names, first_fails=True)

    assert isinstance(outcomes[names[0]], LookupError)
    assert not _exists(db, names[0])
    assert all(outcomes[name] is None for name in names[1:]), outcomes
    assert seen == {name: True for name in names[1:]}
    if db.group_commit is not None:
        assert db.group_commit.commits - commits_before == 1  # the five behind it, one COMMIT


def test_a_failed_commit_fails_every_command_of_its_batch(db: Database) -> None:
    if db.group_commit is None:
        pytest.skip("group commit is SQLite's; PostgreSQL commits each command on its own")

    def refuse(_connection: object) -> None:
        raise OSError("disk full")

    event.listen(db.engine, "commit", refuse)
    try:
        names = [f"lost{n}" for n in range(QUEUED)]
        outcomes, seen = _queue_behind_one(db, names)
    finally:
        event.remove(db.engine, "commit", refuse)
    assert all(isinstance(outcomes[name], OSError) for name in names), outcomes
    assert seen == {}  # no after-commit work for a batch that did not land
    assert not any(_exists(db, name) for name in names)
    # The write connection is usable again afterwards.
    with db.transaction() as session:
        seats.create_user(session=session, actor=ADMIN, username="afterwards")
    assert _exists(db, "afterwards")


def test_a_write_transaction_inside_another_of_the_same_thread_is_refused(db: Database) -> None:
    if db.group_commit is None:
        pytest.skip("group commit is SQLite's")
    with pytest.raises(RuntimeError, match="wait for itself"), db.transaction() as session:
        seats.create_user(session=session, actor=ADMIN, username="outer")
        with db.transaction():
            pass
    assert not _exists(db, "outer")
    with db.transaction() as session:  # and the next one runs
        seats.create_user(session=session, actor=ADMIN, username="next")
    assert _exists(db, "next")
