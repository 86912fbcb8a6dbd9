"""Plans in sections (一点一案): a revision changes the sections it names and stores the version
whole; the differences between two versions are the sections that changed; a task shows the
section of its unit's plan in force that it works from (first response, recovery, evacuation…),
and the improvement actions still open for the unit. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from engine import registers, tasks
from engine.clock import ManualClock
from engine.db import Database
from tests.library_helpers import UNIT, Library

MANUAL = {"improvement_action_id": None, "action_title": "Annual review of the plan"}
FIRST = [{"section": "risks", "text": "Old gas risers in buildings 1-6."},
         {"section": "first_response", "text": "Call the gas company; clear the stairwell."},
         {"section": "recovery", "text": "Resettle at the school gym; the street pays the first week."}]


@pytest.fixture
def library(db: Database, clock: ManualClock) -> Library:
    return Library(db, clock)


def publish(library: Library, changes: list[dict[str, Any]], summary: str) -> None:
    revision = library.start("plan_revision", title=summary, data=MANUAL)
    library.complete(revision, "revise_plan", as_user="ma.plan", summary=summary, section_changes=changes)
    library.complete(revision, "approve_plan", as_user="hu.approver")


def test_revisions_store_every_version_whole_and_show_what_changed(library: Library) -> None:
    publish(library, FIRST, "v1")
    publish(library, [{"section": "first_response", "text": "Close the riser valve; its key is at the station."}],
            "v2")
    with library.db.read() as session:
        v1, v2 = reversed(registers.plan_versions(session=session, unit=UNIT))
        assert v1.sections == {c["section"]: c["text"] for c in FIRST}
        assert v2.sections["risks"] == v1.sections["risks"]  # kept whole from the version before
        assert v2.sections["first_response"].startswith("Close the riser valve")
        (change,) = registers.plan_diff(session=session, unit=UNIT, older=1, newer=2)
    assert (change.section, change.before, change.after) == (
        "first_response", "Call the gas company; clear the stairwell.",
        "Close the riser valve; its key is at the station.")
    (published,) = library.audit(v2.revision_incident_id, "plan_published")
    assert published["sections_changed"] == ["first_response"]


def test_a_task_shows_the_section_of_the_plan_in_force_it_works_from(library: Library) -> None:
    publish(library, FIRST, "v1")
    incident_id = library.start("incident_lifecycle")
    library.complete(incident_id, "record_report")
    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    library.complete(incident_id, "activate_response")
    department = next(t for t in library.open_tasks(incident_id) if t.form_key == "department_report")
    with library.db.read() as session:
        shown = tasks.guidance_for(session=session, task=department).plan_section
    assert (shown.version, shown.section, shown.text) == (1, "first_response", FIRST[1]["text"])
    library.message(incident_id, "response_over", {"summary": "Contained."})
    for report in ("initial_report_phone", "initial_report_written", "final_report"):  # 终报 before recovery
        library.complete(incident_id, report)
    statistics = library.task(incident_id, "damage_statistics")
    with library.db.read() as session:
        recovery = tasks.guidance_for(session=session, task=statistics).plan_section
    assert (recovery.section, recovery.text) == ("recovery", FIRST[2]["text"])  # prepared in advance


def test_a_unit_without_a_plan_shows_no_section(library: Library) -> None:
    incident_id = library.start("incident_lifecycle")
    task = library.task(incident_id, "record_report")
    with library.db.read() as session:
        assert tasks.guidance_for(session=session, task=task) == tasks.Guidance(None, [])
