"""Forms in bundles: a bundle brings its own form schemas (a folder or a .zip), they are checked at
deploy, versioned with the definition — a running incident keeps the forms it started with — and a
task shows and validates its bundle's form."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine import definitions, tasks
from engine.db import Database
from engine.errors import InvalidDefinition, InvalidInput
from tests.scenario import ADMIN, Scenario

BUNDLE = Path(__file__).parent / "fixtures" / "bundle_forms"


def bundle() -> dict[str, bytes]:
    return definitions.read_bundle([BUNDLE])


def changed(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same bundle with the inspection form asking one more (required) thing."""
    form = json.loads(files["site_inspection.json"])
    form["title"], form["x-title-zh"] = "Site inspection (v2)", "现场检查（第二版）"
    form["properties"]["photos_taken"] = {"type": "boolean", "title": "Photos taken", "x-title-zh": "已拍照"}
    form["required"].append("photos_taken")
    return {**files, "site_inspection.json": json.dumps(form).encode()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"site_check/{name}", content)
        archive.writestr("__MACOSX/._site_check.bpmn", b"junk")
        archive.writestr("site_check/README.md", b"not part of the bundle")
    return buffer.getvalue()


def deploy(db: Database, files: dict[str, bytes]) -> dict[str, Any]:
    with db.transaction() as session:
        return {d.process_id: (d.version, sorted(d.files)) for d in definitions.deploy(
            session=session, actor=ADMIN, files=files)}


def form(db: Database, scenario: Scenario, incident: int, element: str) -> dict[str, Any]:
    with db.read() as session:
        return tasks.form_of(session=session, task=scenario.task(incident, element))


def test_a_bundle_brings_its_forms_and_its_tasks_use_them(db: Database) -> None:
    scenario = Scenario(db)
    assert deploy(db, bundle()) == {"site_check": (1, ["site_check.bpmn", "site_inspection.json", "site_signoff.json"])}
    incident = scenario.start(process_id="site_check")
    shown = form(db, scenario, incident, "inspect_site")
    assert (shown["title"], shown["x-title-zh"]) == ("Site inspection", "现场检查")
    assert shown["properties"]["level"]["enum"] == ["I", "II", "III", "IV"]  # x-vocabulary works as built in
    with pytest.raises(InvalidInput) as refused:
        scenario.complete(incident, "inspect_site", {"level": "V"})
    assert set(refused.value.fields) == {"cracks_found", "level"}
    scenario.complete(incident, "inspect_site", {"cracks_found": True, "level": "III"})
    assert form(db, scenario, incident, "sign_off")["title"] == "Sign-off"
    scenario.complete(incident, "sign_off", {"signed_by": "Wang"})
    assert scenario.incident(incident).status == "closed"


def test_a_changed_form_is_a_new_version_and_a_running_incident_keeps_its_old_form(db: Database) -> None:
    scenario = Scenario(db)
    deploy(db, bundle())
    running = scenario.start(process_id="site_check")
    assert deploy(db, changed(bundle()))["site_check"][0] == 2
    started_later = scenario.start(process_id="site_check")
    assert form(db, scenario, running, "inspect_site")["title"] == "Site inspection"
    assert form(db, scenario, started_later, "inspect_site")["title"] == "Site inspection (v2)"
    scenario.complete(running, "inspect_site", {"cracks_found": False})  # the old form's answer still fits
    with pytest.raises(InvalidInput) as refused:
        scenario.complete(started_later, "inspect_site", {"cracks_found": False})
    assert set(refused.value.fields) == {"photos_taken"}
    assert deploy(db, changed(bundle()))["site_check"][0] == 2  # the same content again: no new version


def test_a_zip_deploys_like_the_folder(db: Database) -> None:
    Scenario(db)
    assert deploy(db, {"site_check.zip": zipped(bundle())}) == deploy(db, bundle())


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("site_signoff.json", b'{"type": "object", "properties": {}', "the form is not JSON"),
    ("site_signoff.json", b'{"title": "x", "x-title-zh": "x", "type": "array"}', '"type": "object"'),
    ("site_signoff.json", json.dumps({"title": "S", "x-title-zh": "S", "type": "object", "properties": {
        "who": {"$ref": "https://example.org/person.json", "title": "Who", "x-title-zh": "谁"}}}).encode(),
     'refers to "https://example.org/person.json"'),
    ("site_signoff.json", json.dumps({"title": "S", "type": "object", "properties": {
        "who": {"type": "string", "title": "Who"}}}).encode(), '"x-title-zh"'),
    ("site_signoff.json", json.dumps({"title": "S", "x-title-zh": "S", "type": "object", "properties": {
        "who": {"type": "strin", "title": "Who", "x-title-zh": "谁"}}}).encode(), "not a valid JSON Schema"),
    ("site_signoff.json", json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "S",
                                      "x-title-zh": "S", "type": "object", "properties": {}}).encode(), "2020-12"),
    ("site_signoff.json", b" " * 300_000, "at most 262144 bytes"),
    ("Site-Signoff.json", b"{}", "named after its form key"),
])
def test_a_bad_form_is_refused_naming_its_file(db: Database, name: str, content: bytes, expected: str) -> None:
    files = {**bundle(), name: content}
    with pytest.raises(InvalidDefinition) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    assert any(p.file == name and expected in p.message for p in caught.value.problems), caught.value.problems


def test_a_form_key_without_a_form_in_the_bundle_or_the_library_is_refused(db: Database) -> None:
    files = {name: content for name, content in bundle().items() if name != "site_signoff.json"}
    with pytest.raises(InvalidDefinition) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    assert [(p.file, p.element, p.message.code) for p in caught.value.problems] == [
        ("site_check.bpmn", "sign_off", "model.user_task_unknown_form")]


def test_form_and_model_problems_are_reported_together(db: Database) -> None:
    files = {**bundle(), "site_signoff.json": b"[]",
             "site_check.bpmn": bundle()["site_check.bpmn"].replace(b'name="duty_officer"', b'name="Duty"')}
    with pytest.raises(InvalidDefinition) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    assert {p.message.code for p in caught.value.problems} == {"form.not_object", "model.lane_not_role"}


@pytest.mark.parametrize(("content", "expected"), [
    (b"not a zip", "not a readable zip archive"),
    (None, "unpacks to more than 20 MB"),
])
def test_a_bad_zip_is_refused(db: Database, content: bytes | None, expected: str) -> None:
    if content is None:  # a zip bomb: 30 MB of zeros compress to a few kilobytes
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("huge.bpmn", b"\0" * 30 * 1024 * 1024)
        content = buffer.getvalue()
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files={"b.zip": content})
    assert expected in str(caught.value.fields["files"])
