"""hazard_screening: a screening round fills the hazard register; each hazard is rectified by its
owner seat and verified by the inspector; a missed deadline escalates to the street; a major hazard
is reported up a level; a rejected rectification goes round again. Cached and restored from rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.clock import ManualClock
from engine.db import Database
from engine.models import Hazard
from tests.library_helpers import FORM_SAMPLES, UNIT, Library

BUILDING = {"location": "Building 3", "facility": "building", "description": "Cracked wall in the stairwell.",
            "grade": "general", "owner_seat": "grid_worker", "rectify_within_days": 7}
GAS = {"location": "Boiler room", "facility": "gas", "description": "Corroded gas main, smell of gas.",
       "grade": "major", "owner_seat": "logistics", "rectify_within_days": 3}
STOVE = {"location": "Building 5, flat 301", "facility": "vulnerable_resident",
         "description": "Resident living alone uses an old gas stove without a cut-off valve.",
         "grade": "general", "owner_seat": "fire", "rectify_within_days": 14}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _screen(library: Library, *, house: list, utility: list, vulnerable: list) -> int:
    round_id = library.start("hazard_screening", title="Spring screening of Hehua Compound")
    assert library.incident(round_id).phase == "prevention"
    assert library.incident(round_id).reference.startswith("HZS-")
    library.complete(round_id, "plan_screening")
    assert library.open_elements(round_id) == ["screen_houses", "screen_living_facilities", "screen_utilities",
                                               "visit_vulnerable_residents"]
    assert {t.task_spec: t.role for t in library.open_tasks(round_id)} == {
        "screen_houses": "hazard_inspector", "screen_utilities": "hazard_inspector",
        "screen_living_facilities": "grid_worker", "visit_vulnerable_residents": "grid_worker"}
    library.complete(round_id, "screen_houses", house_findings=house)
    library.complete(round_id, "screen_utilities", utility_findings=utility)
    library.complete(round_id, "screen_living_facilities")
    library.complete(round_id, "visit_vulnerable_residents", vulnerable_findings=vulnerable)
    return round_id


def _hazards(library: Library) -> dict[str, Hazard]:
    with library.db.read() as session:
        return {h.facility: h for h in session.scalars(select(Hazard))}


def _statuses(library: Library, round_id: int, hazard_id: int) -> list[str]:
    return [e["to"] for e in library.audit(round_id, "hazard_updated") if e["hazard_id"] == hazard_id]


def test_hazards_are_rectified_escalated_reported_and_closed(library: Library) -> None:
    round_id = _screen(library, house=[BUILDING], utility=[GAS], vulnerable=[STOVE])
    hazards = _hazards(library)
    assert {f: (h.grade, h.owner_seat, h.status, h.unit) for f, h in hazards.items()} == {
        "building": ("general", "grid_worker", "open", UNIT), "gas": ("major", "logistics", "open", UNIT),
        "vulnerable_resident": ("general", "fire", "open", UNIT)}
    assert hazards["gas"].deadline.replace(tzinfo=None) == (library.clock.now() + timedelta(days=3)).replace(
        tzinfo=None)
    # one rectification per hazard, in its owner's seat; the major one is also reported up a level
    assert library.open_elements(round_id) == ["rectify_as_fire", "rectify_as_grid_worker", "rectify_as_logistics",
                                               "report_major_hazard"]
    # each rectification is due by its hazard's deadline (the timer on the round around it)
    assert library.task(round_id, "rectify_as_logistics").due_at == hazards["gas"].deadline
    library.complete(round_id, "report_major_hazard")

    # the building: rectified and verified in time
    library.complete(round_id, "rectify_as_grid_worker")
    assert library.open_elements(round_id) == ["rectify_as_fire", "rectify_as_logistics", "verify_rectification"]
    library.complete(round_id, "verify_rectification")
    assert _statuses(library, round_id, hazards["building"].id) == ["rectified", "verified", "closed"]

    # the gas main: its three days pass -> escalated to the street
    assert library.advance(days=2, hours=23) == []
    assert library.advance(hours=2) == [library.incident(round_id).reference]
    assert _hazards(library)["gas"].status == "escalated"
    assert library.task(round_id, "supervise_overdue_hazard").role == "street_commander"
    library.complete(round_id, "supervise_overdue_hazard")
    library.complete(round_id, "rectify_as_logistics")
    library.complete(round_id, "verify_rectification")
    assert _statuses(library, round_id, hazards["gas"].id) == ["escalated", "rectified", "verified", "closed"]

    # the stove: rectified by the fire seat before its deadline, no escalation
    library.complete(round_id, "rectify_as_fire")
    library.complete(round_id, "verify_rectification")
    assert _statuses(library, round_id, hazards["vulnerable_resident"].id) == ["rectified", "verified", "closed"]
    assert {h.status for h in _hazards(library).values()} == {"closed"}
    assert library.incident(round_id).status == "closed"
    assert len(library.completed(round_id, "supervise_overdue_hazard")) == 1


def test_a_rejected_rectification_goes_round_again(request: pytest.FixtureRequest, library: Library) -> None:
    round_id = _screen(library, house=[], utility=[GAS], vulnerable=[STOVE])
    gas = _hazards(library)["gas"]
    library.complete(round_id, "report_major_hazard")
    library.complete(round_id, "rectify_as_logistics")
    library.complete(round_id, "verify_rectification", rectification_accepted=False,
                     verification_note="Valve still leaks.")
    assert _hazards(library)["gas"].status == "rectifying"
    assert library.open_elements(round_id) == ["rectify_as_fire", "rectify_as_logistics"]
    library.complete(round_id, "rectify_as_logistics", measures_taken="Gas main replaced.")
    library.complete(round_id, "verify_rectification")
    assert _statuses(library, round_id, gas.id) == ["rectified", "rectifying", "rectified", "verified", "closed"]
    assert library.completed(round_id, "supervise_overdue_hazard") == []  # closed within its three days
    library.complete(round_id, "rectify_as_fire")  # the next command restores the round from its rows
    library.complete(round_id, "verify_rectification")
    assert library.incident(round_id).status == "closed"


def test_a_round_that_finds_nothing_closes_at_once(library: Library) -> None:
    round_id = _screen(library, house=[], utility=[], vulnerable=[])
    assert _hazards(library) == {}
    incident = library.incident(round_id)
    assert (incident.status, library.open_elements(round_id)) == ("closed", [])
    assert FORM_SAMPLES["living_facility_screening"]["facility_findings"] == []
