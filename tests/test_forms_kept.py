"""Built-in forms are kept with each definition version, as a bundle's own are: a release that changes
a built-in form gives the process a new version and never changes the form of a running incident; the
versions deployed before this held only their models and get their forms from a data migration."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select, update

import engine.definitions.forms as kept_forms
from engine import definitions, tasks
from engine.db import Database, migrate
from engine.definitions.bundled import bundled_files
from engine.errors import InvalidInput
from engine.models import ProcessDefinition
from forms import SCHEMA_DIR, load_schema
from forms.bundled import bundle_schema
from forms.samples import SAMPLES
from tests.scenario import ADMIN, Scenario

VERSIONS = Path(__file__).resolve().parents[1] / "engine" / "migrations" / "versions"
MIGRATION = next(VERSIONS.glob("*_a7c3e9d2f614_forms_kept_with_definitions.py"))


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("forms_kept_with_definitions", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _definition(db: Database, process_id: str, version: int | None = None) -> ProcessDefinition:
    with db.read() as session:
        return definitions.get(session=session, process_id=process_id, version=version)


def test_a_version_keeps_the_built_in_forms_of_its_tasks_and_messages(db: Database) -> None:
    Scenario(db)
    definition = _definition(db, "community_incident")
    files = definition.files
    kept = {name for name in files if name.endswith(".json")}
    assert kept == {f"{task['form_key']}.json" for task in definition.summary["user_tasks"]}
    assert bundle_schema(files["incident_report.json"]) == load_schema("incident_report")  # read as built in
    assert "message_change_level.json" in _definition(db, "incident_lifecycle").files  # a message form too
    assert "house_screening.json" not in files  # a form of hazard screening, not of this process


def test_a_changed_built_in_form_makes_a_new_version_and_running_incidents_keep_theirs(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = Scenario(db)
    running = scenario.start()
    changed = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, changed)
    form = json.loads((changed / "incident_report.json").read_text())
    form["properties"]["gas_shut_off"] = {"type": "boolean", "title": "Gas shut off", "x-title-zh": "已关闭燃气"}
    form["required"].append("gas_shut_off")
    (changed / "incident_report.json").write_text(json.dumps(form))
    monkeypatch.setattr(kept_forms, "SCHEMA_DIR", changed)  # the next release's library

    with db.transaction() as session:
        redeployed = {d.process_id: d.version for d in definitions.deploy(
            session=session, actor=ADMIN, files=bundled_files())}
    assert redeployed["community_incident"] == 2
    assert redeployed["community_recovery"] == 1  # its forms did not change
    started_later = scenario.start()

    with db.read() as session:
        shown = {i: tasks.form_of(session=session, task=scenario.task(i, "record_report"))["properties"]
                 for i in (running, started_later)}
    assert "gas_shut_off" not in shown[running] and "gas_shut_off" in shown[started_later]
    with pytest.raises(InvalidInput) as refused:
        scenario.complete(started_later, "record_report")
    assert set(refused.value.fields) == {"gas_shut_off"}
    scenario.complete(running, "record_report")  # the old form, without the new question

def test_versions_deployed_before_get_their_forms_from_the_migration(database_url: str) -> None:
    """As an earlier release left them (models only, one graded from 'casualties'), then this
    migration's step."""
    db = Database(database_url)
    migrate.upgrade(db.engine)
    Scenario(db)
    with db.transaction() as session:
        for definition in session.scalars(select(ProcessDefinition)):
            models = {n: t for n, t in definition.files.items() if not n.endswith(".json")}
            if definition.process_id == "community_incident":
                models["grade_response_level.dmn"] = "<definitions/>"
            session.execute(update(ProcessDefinition).where(ProcessDefinition.id == definition.id).values(files=models))
    with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        _migration().upgrade()  # this migration's step alone: later ones have run already
    graded_from_casualties = _definition(db, "community_incident").files
    lifecycle = _definition(db, "incident_lifecycle").files
    assert "casualties" in json.loads(graded_from_casualties["incident_report.json"])["required"]
    assert "deaths" in json.loads(lifecycle["incident_full_report.json"])["required"]
    assert set(SAMPLES["incident_full_report"]) <= set(json.loads(lifecycle["incident_full_report.json"])["properties"])
    db.dispose()
