"""An incident moved to a newer version of its process uses that version's forms and names from then
on, even where this process had already read the old version's (the forms are kept per version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import definitions, incidents, tasks
from engine.db import Database
from engine.definitions.forms import form_of
from engine.errors import InvalidInput
from tests.scenario import ADMIN, Scenario

BUNDLE = Path(__file__).parent / "fixtures" / "bundle_forms"


def test_a_moved_incident_fills_the_forms_of_its_new_version(db: Database) -> None:
    scenario = Scenario(db)
    files = definitions.read_bundle([BUNDLE])
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    incident_id = scenario.start(process_id="site_check")
    task = scenario.task(incident_id, "inspect_site")
    with db.read() as session:  # the old version's form, read (and remembered) by this process
        assert "photo_count" not in form_of(session=session, task=task)["properties"]
    stricter = files["site_inspection.json"].replace(
        b'"required": ["cracks_found"]', b'"required": ["cracks_found", "photo_count"]').replace(
        b'"properties": {', b'"properties": {\n    "photo_count": {"type": "integer", "title": "Photos", '
                           b'"x-title-zh": "\xe7\x85\xa7\xe7\x89\x87\xe6\x95\xb0"},', 1)
    with db.transaction() as session:
        renamed = files["site_check.bpmn"].replace(b'name="Inspect the site"', b'name="Inspect the site again"')
        definitions.deploy(session=session, actor=ADMIN,
                           files={**files, "site_inspection.json": stricter, "site_check.bpmn": renamed})
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=2)

    assert scenario.task(incident_id, "inspect_site").title == "Inspect the site again"  # the same task, renamed
    with db.read() as session:
        assert "photo_count" in form_of(session=session, task=task)["properties"]
    with pytest.raises(InvalidInput) as refused, db.transaction() as session:
        tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id,
                       data={"cracks_found": False})
    assert "photo_count" in refused.value.fields
    scenario.complete(incident_id, "inspect_site", {"cracks_found": False, "photo_count": 3})
