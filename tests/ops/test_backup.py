"""Backups that restore: `renxing backup` taken by a real process while commands are being
completed, `renxing restore` into an empty database, the audit chains verified after each, and
the incidents carried on from where the backup caught them — SQLite (online backup API) and
PostgreSQL (pg_dump / pg_restore, when installed)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from engine import audit
from engine.db import Database
from engine.models import AuditEvent, HumanTask, Incident
from tests.api.served import RENXING
from tests.ops.office import complete_watch, prepare
from tests.ops.process import environment, renxing

pytestmark = pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")


def _needs_tools(url: str) -> None:
    if url.startswith("postgresql") and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed")


class _Load(threading.Thread):
    """Completes the watches' tasks in turn, in-process, until told to stop."""

    def __init__(self, url: str, references: list[str]) -> None:
        super().__init__(daemon=True)
        self.db, self.references = Database(url), references
        self.stop, self.done, self.errors = threading.Event(), 0, list[BaseException]()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                complete_watch(self.db, self.references[self.done % len(self.references)], f"load {self.done}")
                self.done += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            self.db.dispose()


def _consistent(url: str, references: list[str]) -> int:
    """Every incident whole: completed rows, completion events and the version counter agree, one
    task ready; the chains verify. The number of completed tasks."""
    db = Database(url)
    completed = 0
    with db.read() as session:
        for reference in references:
            incident = session.scalars(select(Incident).where(Incident.reference == reference)).one()
            states = [t.state for t in session.scalars(select(HumanTask).where(HumanTask.incident_id == incident.id))]
            events = session.scalars(select(AuditEvent).where(AuditEvent.incident_id == incident.id,
                                                              AuditEvent.action == "task_completed")).all()
            assert states.count("ready") == 1 and len(events) == states.count("completed") == incident.version - 1
            completed += len(events)
        assert audit.verify(session=session).ok
    db.dispose()
    return completed


def _lose(url: str) -> None:
    """The disaster: the database is gone (SQLite: the file; PostgreSQL: the schema)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    schema = str(parsed.query["options"]).split("=", 1)[1]
    engine = create_engine(parsed.set(query={}))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.mark.slow
def test_a_backup_taken_under_load_restores_and_its_incidents_continue(database_url: str, tmp_path: Path) -> None:
    _needs_tools(database_url)
    references = prepare(database_url, watches=3)
    env = environment(RENXING_DATABASE_URL=database_url)
    load = _Load(database_url, references)
    load.start()
    try:
        while load.done < 5 and not load.errors:
            load.stop.wait(0.05)
        taken = renxing("backup", str(tmp_path / "office.backup"), env=env)
        during = load.done
    finally:
        load.stop.set()
        load.join(60)
    assert not load.errors, load.errors
    assert taken.returncode == 0, taken.stderr
    assert "audit log intact" in taken.stdout
    assert load.done > during or load.done >= 5  # commands went on while it was taken
    assert renxing("backup", str(tmp_path / "office.backup"), env=env).returncode != 0  # never overwritten

    refused = renxing("restore", str(tmp_path / "office.backup"), env=env)
    assert refused.returncode == 1 and "--replace" in refused.stderr  # the live database is not overwritten

    _lose(database_url)
    restored = renxing("restore", str(tmp_path / "office.backup"), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "audit log intact" in restored.stdout
    caught = _consistent(database_url, references)
    assert 5 <= caught <= load.done

    db = Database(database_url)
    for reference in references:  # the office carries on where the backup caught it
        complete_watch(db, reference, "after the restore")
    db.dispose()
    assert _consistent(database_url, references) == caught + len(references)


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    env = environment(RENXING_DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    (tmp_path / "notes.txt").write_text("not a database")
    wrong = renxing("restore", str(tmp_path / "notes.txt"), env=env)
    assert wrong.returncode == 2 and "not a SQLite database" in wrong.stderr
    missing = renxing("restore", str(tmp_path / "none.backup"), env=env)
    assert missing.returncode == 1 and "no backup file" in missing.stderr
    assert not (tmp_path / "new.db").exists()
