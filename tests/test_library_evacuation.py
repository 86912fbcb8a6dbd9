"""An evacuation order at any time (issue 10): the commander's message
`evacuate {area, reason}` opens the evacuation (grid workers, with a deadline) and then the
sheltering (logistics) for that area, as many times as ordered, and what was begun is finished after
the response ends; the people moved and sheltered are
counted for the reports. Cached and restored from rows every step, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import response
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import InvalidInput
from tests.library_helpers import Library

ORDER = {"area": "Buildings 2-4", "reason": "Gas spreading along the basement."}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _counts(library: Library, incident_id: int) -> dict[str, int]:
    with library.db.read() as session:
        return response.response_counts(session=session, incident_id=incident_id)


def test_an_evacuation_ordered_mid_response_is_carried_out_and_counted(library: Library) -> None:
    incident_id = library.respond()  # no evacuation at activation
    library.complete(incident_id, "fire_rescue")
    assert "evacuate_residents" not in library.open_elements(incident_id)

    library.advance(minutes=40)
    library.message(incident_id, "evacuate", ORDER)
    evacuation = library.task(incident_id, "evacuate_residents")
    assert (evacuation.role, evacuation.subject) == ("grid_worker", "Buildings 2-4")
    assert evacuation.due_at == library.clock.now() + timedelta(hours=1)
    assert "evacuate" in library.state(incident_id).waiting_messages  # another order may follow
    library.complete(incident_id, "evacuate_residents", people_evacuated=150, vulnerable_residents_evacuated=9)
    assert library.task(incident_id, "open_shelters").role == "logistics"
    library.complete(incident_id, "open_shelters", people_sheltered=120)

    library.message(incident_id, "evacuate", {"area": "Building 5", "reason": "Smoke reached it."})
    assert library.task(incident_id, "evacuate_residents").subject == "Building 5"
    library.complete(incident_id, "evacuate_residents", people_evacuated=40, vulnerable_residents_evacuated=1)
    counts = _counts(library, incident_id)
    assert (counts["people_evacuated"], counts["vulnerable_residents_evacuated"], counts["people_sheltered"]) == (
        190, 10, 120)
    assert counts["people_moved_first"] == 18  # the first responder's sample moved 18 before any grading

    library.message(incident_id, "response_over", {"summary": "Leak closed."})
    assert "open_shelters" in library.open_elements(incident_id)  # those moved are still to be sheltered
    library.complete(incident_id, "open_shelters", people_sheltered=35)
    assert _counts(library, incident_id)["people_sheltered"] == 155


@pytest.mark.parametrize(("payload", "fields"), [
    ({"reason": "Gas"}, {"payload.area"}), ({"area": "", "reason": "Gas"}, {"payload.area"}),
    ({"area": "B2", "reason": "Gas", "people_expected": -1}, {"payload.people_expected"})])
def test_a_malformed_evacuation_order_is_refused_naming_the_field(library: Library, payload: dict,
                                                                 fields: set[str]) -> None:
    incident_id = library.start("incident_lifecycle")
    for element in ("record_report",):
        library.complete(incident_id, element)
    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    library.complete(incident_id, "activate_response")
    with pytest.raises(InvalidInput) as refused:
        library.message(incident_id, "evacuate", payload)
    assert set(refused.value.fields) == fields
    assert "evacuate_residents" not in library.open_elements(incident_id)
