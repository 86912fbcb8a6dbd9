"""Upgrades with incidents open: for every schema change, a database written by the release just
before it (that release's own code, from `git archive`, running the scenario to mid-flight) is
upgraded with `renxing db upgrade` by this code; then every open incident runs to its end on its
pinned definition version and the audit chains verify. Both databases. A database written by a
newer release is refused with a clear message."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select, text

from engine import audit, incidents, seats, tasks
from engine.db import Database, migrate
from engine.models import HumanTask, Incident
from tests.api.served import RENXING
from tests.ops.process import environment, renxing
from tests.scenario import ANSWERS

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "engine" / "migrations" / "versions"
SCRIPT = Path(__file__).with_name("upgrade_scenario.py")


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


@cache
def _releases() -> list[tuple[str, str]]:
    """(migration file, the commit before the one that added it): one earlier release per schema
    change after the first. Empty outside a git checkout with history."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return []
    try:
        found = []
        for path in sorted(VERSIONS.glob("*.py")):
            added = _git("log", "--diff-filter=A", "--format=%H", "--", str(path.relative_to(ROOT))).splitlines()
            if added and _git("rev-list", "--parents", "-n1", added[-1]).count(" ") == 1:
                parent = _git("rev-parse", f"{added[-1]}^")
                if _git("ls-tree", "--name-only", parent, "engine/migrations/versions/"):
                    found.append((path.stem, parent))
        return found
    except subprocess.CalledProcessError:
        return []


def _params() -> list[object]:
    releases = _releases()
    if not releases:
        return [pytest.param(None, marks=pytest.mark.skip(reason="needs the git history of the repository"))]
    return [pytest.param(commit, id=stem.split("_", 2)[-1]) for stem, commit in releases]


def _earlier_release(commit: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


#: What the forms of earlier releases asked that today's answers no longer hold.
EARLIER_FIELDS = {"casualties": 3}


def _answer_for(form: dict[str, object], answer: dict[str, object]) -> dict[str, object]:
    """Today's answer to a task, fitted to the form its definition version keeps (an earlier release's
    form may ask other fields): what the form does not ask is left out, what it still asks is given."""
    asked = form.get("properties") or {}
    fitted = {name: value for name, value in answer.items() if name in asked}
    missing = [name for name in form.get("required") or [] if name not in fitted]  # type: ignore[attr-defined]
    return fitted | {name: EARLIER_FIELDS[name] for name in missing}


def _run_to_the_end(db: Database, incident_id: int) -> None:
    """Complete whatever is open, as a holder of its seat, until the incident closes."""
    for _ in range(40):
        with db.read() as session:
            incident = session.get(Incident, incident_id)
            assert incident is not None
            if incident.status != "active":
                break
            open_tasks = list(session.scalars(select(HumanTask).where(HumanTask.incident_id == incident_id,
                                                                      HumanTask.state == "ready")))
        with db.transaction() as session:
            if not open_tasks:  # the response is over once the commander says so
                commander = seats.actor_for(seats.get_user(session=session, username="commander.user"))
                incidents.send_message(session=session, actor=commander, incident_id=incident_id,
                                       name="response_over", payload={})
                continue
            task = open_tasks[0]
            actor = seats.actor_for(seats.get_user(session=session, username=f"{task.role}.user"))
            answer = _answer_for(tasks.form_of(session=session, task=task), ANSWERS[task.task_spec])
            tasks.complete(session=session, actor=actor, task_id=task.id, data=answer)
    with db.read() as session:
        assert session.get(Incident, incident_id).status == "closed"  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")
@pytest.mark.parametrize("commit", _params())
def test_running_incidents_survive_the_upgrade_from_each_earlier_release(
        commit: str, database_url: str, tmp_path: Path) -> None:
    tree = _earlier_release(commit, tmp_path / "release")
    env = {**environment(), "PYTHONPATH": str(tree)}
    written = subprocess.run([sys.executable, str(SCRIPT), database_url], cwd=tree, env=env, capture_output=True,
                             text=True, timeout=600)
    assert written.returncode == 0, written.stderr[-3000:]
    ids = json.loads(written.stdout.strip().splitlines()[-1])
    db = Database(database_url)
    assert not migrate.is_current(db.engine)  # written at the earlier release's schema
    with db.read() as session:  # the earlier schema: read the column, not today's whole row
        pinned = {i: session.scalar(select(Incident.definition_id).where(Incident.id == i)) for i in ids}

    upgraded = renxing("db", "upgrade", env=environment(RENXING_DATABASE_URL=database_url))
    assert upgraded.returncode == 0, upgraded.stderr
    assert migrate.is_current(db.engine)
    for incident_id in ids:
        _run_to_the_end(db, incident_id)
    with db.read() as session:
        assert {i: session.get(Incident, i).definition_id for i in ids} == pinned  # type: ignore[union-attr]
        assert audit.verify(session=session).ok
    db.dispose()


def test_a_database_of_a_newer_release_is_refused(database_url: str) -> None:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    db.dispose()
    refused = renxing("db", "upgrade", env=environment(RENXING_DATABASE_URL=database_url))
    assert refused.returncode == 1, refused.stderr
    assert "newer release" in refused.stderr and "f00dfeedbeef" in refused.stderr
