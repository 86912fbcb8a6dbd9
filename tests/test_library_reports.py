"""信息报告 in incident_lifecycle: the initial report (首报) due by phone within 30 minutes and in
writing within the hour, a late one escalating and staying late in the register; follow-up reports
(续报) at the cadence of the level in force, changing when the level changes; the final report
(终报) once the response is over. Cached and restored from rows every step, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import response
from engine.clock import ManualClock
from engine.db import Database
from tests.library_helpers import FORM_SAMPLES, Library

REPORT = FORM_SAMPLES["incident_full_report"]


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _register(library: Library, incident_id: int) -> list[response.ReportEntry]:
    with library.db.read() as session:
        return response.report_register(session=session, incident_id=incident_id, now=library.clock.now())


def test_a_late_initial_report_escalates_and_stays_late(library: Library) -> None:
    started = library.clock.now()
    incident_id = library.start("incident_lifecycle")
    assert library.open_elements(incident_id) == [
        "first_response", "initial_report_phone", "initial_report_written", "record_report"]
    phone, written = library.task(incident_id, "initial_report_phone"), library.task(incident_id,
                                                                                   "initial_report_written")
    assert (phone.role, phone.subject, phone.due_at) == ("duty_officer", "street", started + timedelta(minutes=30))
    assert (written.subject, written.due_at) == ("district", started + timedelta(hours=1))

    library.advance(minutes=20)
    library.complete(incident_id, "initial_report_phone")  # by phone in time
    assert library.advance(minutes=41) == [library.incident(incident_id).reference]  # the written one is late
    late = library.task(incident_id, "escalate_late_initial_report_written")
    # whoever holds the community's command seat chases it, even before a commander is on scene
    assert (late.role, library.person_for(late)) == ("community_commander", "li.community")
    assert "escalate_late_initial_report_phone" not in library.open_elements(incident_id)
    entries = {e.element: e for e in _register(library, incident_id)}
    assert entries["initial_report_written"].late and entries["initial_report_written"].sent_at is None

    library.advance(minutes=5)
    library.complete(incident_id, "initial_report_written")
    library.complete(incident_id, "escalate_late_initial_report_written")
    phone_entry, written_entry = _register(library, incident_id)
    assert (phone_entry.kind, phone_entry.element, phone_entry.addressee) == ("initial", "initial_report_phone",
                                                                              "street")
    assert phone_entry.sent_at == started + timedelta(minutes=20) and not phone_entry.late
    assert written_entry.sent_at == started + timedelta(minutes=66) and written_entry.late  # stays late
    assert (written_entry.due_at, written_entry.sent_by) == (started + timedelta(hours=1), "wang.duty")


def test_follow_up_reports_come_at_the_cadence_of_the_level(library: Library) -> None:
    incident_id = library.respond(REPORT, "li.community")  # below 一般: every 12 hours
    library.advance(hours=11, minutes=59)
    assert "situation_report" not in library.open_elements(incident_id)
    library.advance(minutes=2)
    report = library.task(incident_id, "situation_report")
    assert (report.role, report.subject, report.due_at) == ("duty_officer", "district",
                                                            library.clock.now() + timedelta(hours=1))
    library.complete(incident_id, "situation_report")

    # the level rises to 较大: the city leads, and follow-up reports go up every 4 hours from then on
    library.advance(hours=1)
    library.message(incident_id, "change_level", {"level": "III", "reason": "Three dead in building 4"})
    library.complete(incident_id, "appoint_commander_for_level", commander_username="qin.city")
    changed = library.clock.now()
    library.advance(hours=3, minutes=59)
    assert "situation_report" not in library.open_elements(incident_id)
    library.advance(minutes=2)
    assert library.task(incident_id, "situation_report").created_at == changed + timedelta(hours=4, minutes=1)
    library.advance(hours=1, minutes=1)  # not filed within the hour: the commander hears of it
    assert library.task(incident_id, "escalate_late_situation_report").role == "commander"
    library.complete(incident_id, "situation_report")
    library.advance(hours=3)
    assert len(library.completed(incident_id, "situation_report")) == 2
    assert "situation_report" in library.open_elements(incident_id)  # every 4 hours, again
    kinds = [(e.kind, e.late) for e in _register(library, incident_id)]
    assert kinds == [("initial", False), ("initial", False), ("follow_up", False), ("follow_up", True),
                     ("follow_up", False)]


def test_the_final_report_follows_the_response_before_recovery(library: Library) -> None:
    incident_id = library.respond(REPORT, "li.community")
    library.message(incident_id, "response_over", {"summary": "Leak closed."})
    final = library.task(incident_id, "final_report")
    assert (final.role, final.subject, final.due_at) == ("duty_officer", "district",
                                                         library.clock.now() + timedelta(hours=24))
    assert library.open_elements(incident_id) == ["final_report"]
    library.complete(incident_id, "final_report")
    assert library.open_elements(incident_id) == ["damage_statistics"]
    assert [e.kind for e in _register(library, incident_id)] == ["initial", "initial", "final"]
