"""先期处置 and the cordon (issue 10): the first responder on scene gets the first-response task the
moment the incident is reported, before any grading, and police cordon and traffic control open at
every level — a level-IV gas leak is cordoned off like a level-III one. Each path runs cached and
restored from rows every step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import ManualClock
from engine.db import Database
from tests.library_helpers import FORM_SAMPLES, Library

REPORT = FORM_SAMPLES["incident_full_report"]


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def test_the_first_responder_acts_before_grading_and_police_cordon_a_level_iv_incident(library: Library) -> None:
    incident_id = library.start("incident_lifecycle")
    first = library.task(incident_id, "first_response")
    assert (first.role, first.created_at) == ("first_responder", library.clock.now())
    assert library.incident(incident_id).response_level is None  # nobody has graded it yet
    library.clock.advance(timedelta(minutes=10))
    library.complete(incident_id, "first_response", people_moved=18)
    (done,) = library.completed(incident_id, "first_response")
    assert (done.completed_by, done.data["people_moved"], done.data["cordon_set"]) == ("tang.first", 18, True)

    library.complete(incident_id, "initial_report_phone")
    library.complete(incident_id, "initial_report_written")
    library.complete(incident_id, "record_report", {**REPORT, "deaths": 1})  # 一般: level IV, the district leads
    assert library.incident(incident_id).response_level == "IV"
    library.complete(incident_id, "appoint_commander", commander_username="chen.district")
    library.complete(incident_id, "activate_response")

    police = library.task(incident_id, "police_traffic")
    assert (police.role, police.due_at) == ("police", library.clock.now() + timedelta(minutes=45))
    assert "logistics_supply" not in library.open_elements(incident_id)  # logistics waits for level III
    library.complete(incident_id, "police_traffic", actions_taken="Cordon at the gate; traffic diverted.")
    assert library.completed(incident_id, "police_traffic")[0].completed_by == "zhou.police"


def test_the_first_response_may_still_be_open_when_command_arrives(library: Library) -> None:
    """Grading does not wait for the first responder's report, nor the report for grading."""
    incident_id = library.start("incident_lifecycle")
    library.complete(incident_id, "record_report")
    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    assert "first_response" in library.open_elements(incident_id)
    library.complete(incident_id, "activate_response")
    assert {"first_response", "police_traffic"} <= set(library.open_elements(incident_id))
    library.complete(incident_id, "first_response")
    assert "first_response" not in library.open_elements(incident_id)
