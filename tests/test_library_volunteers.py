"""Volunteers as the second echelon (issue 10): nobody calls them with the first wave; the
commander's request (message request_volunteers) opens the matching of the register's volunteers and
social organisations to the needs, each match becomes a task reporting what they did, the matched are
out with the incident meanwhile (not available to another) and stood down after, and what they did is
counted for the reports. Cached and restored from rows every step, on both databases."""

from __future__ import annotations

import pytest

from engine import registers, response
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import InvalidInput
from tests.library_helpers import Library

REQUEST = {"needs": [{"skill": "care_for_vulnerable", "people": 4, "task": "Stay with the elderly at the shelter"},
                     {"skill": "guidance", "people": 2, "task": "Keep the gate clear"}],
           "reason": "The first wave is busy at building 3."}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _register(library: Library) -> tuple[int, int, int]:
    with library.db.transaction() as session:
        actor = library.actors["zheng.volunteers"]
        team = registers.register_volunteer(session=session, actor=actor, kind="organisation", name="Hehua Red Cross",
                                            skills=["care_for_vulnerable", "first_aid"], contact="138 0000 0001",
                                            unit="Hehua Compound", people=4)
        wu = registers.register_volunteer(session=session, actor=actor, kind="volunteer", name="Wu Xia",
                                          skills=["guidance"], contact="138 0000 0002", unit="Hehua Compound")
        ma = registers.register_volunteer(session=session, actor=actor, kind="volunteer", name="Ma Li",
                                          skills=["guidance"], contact="138 0000 0003", unit="Hehua Compound")
        return team.id, wu.id, ma.id


def _available(library: Library) -> list[str]:
    with library.db.read() as session:
        return [v.name for v in registers.list_volunteers(session=session, available=True)]


def test_volunteers_come_only_on_request_matched_from_the_register_and_counted(library: Library) -> None:
    team, wu, _ = _register(library)
    incident_id = library.respond()
    for element in ("fire_rescue", "medical_care", "police_traffic"):
        library.complete(incident_id, element)
    assert library.open_elements(incident_id) == []  # the first wave is done; no volunteers unless asked

    library.message(incident_id, "request_volunteers", REQUEST)
    matching = library.task(incident_id, "volunteer_mobilisation")
    assert matching.role == "volunteer_coordinator" and matching.due_at is not None
    library.complete(incident_id, "volunteer_mobilisation", matches=[
        {"volunteer_id": team, "need": "Stay with the elderly at the shelter"},
        {"volunteer_id": wu, "need": "Keep the gate clear"}])
    work = library.open_tasks(incident_id)
    assert sorted((t.task_spec, t.subject) for t in work) == [
        ("volunteer_work", "Hehua Red Cross: Stay with the elderly at the shelter"),
        ("volunteer_work", "Wu Xia: Keep the gate clear")]
    assert _available(library) == ["Ma Li"]  # the matched are out with the incident
    assert [a["name"] for a in library.audit(incident_id, "volunteer_deployed")] == ["Hehua Red Cross", "Wu Xia"]

    first, second = sorted(work, key=lambda t: t.subject or "")
    library.complete_task(first, people=4, hours=16, people_helped=23)
    library.complete_task(second, people=1, hours=3, people_helped=0)
    assert sorted(_available(library)) == ["Hehua Red Cross", "Ma Li", "Wu Xia"]  # stood down
    with library.db.read() as session:
        counts = response.response_counts(session=session, incident_id=incident_id)
    assert (counts["volunteers_deployed"], counts["volunteer_hours"], counts["people_helped_by_volunteers"]) == (
        5, 19, 23)


def test_a_volunteer_out_with_one_incident_cannot_be_matched_to_another(library: Library) -> None:
    team, wu, ma = _register(library)
    first, second = library.respond(), library.respond()
    library.message(first, "request_volunteers", REQUEST)
    library.complete(first, "volunteer_mobilisation", matches=[{"volunteer_id": wu, "need": "Keep the gate clear"}])
    library.message(second, "request_volunteers", REQUEST)
    with pytest.raises(InvalidInput) as refused:
        library.complete(second, "volunteer_mobilisation", matches=[
            {"volunteer_id": ma, "need": "Keep the gate clear"}, {"volunteer_id": wu, "need": "Keep the gate clear"}])
    assert set(refused.value.fields) == {"matches.1.volunteer_id"}
    assert "Ma Li" in _available(library)  # all or none: Ma Li was not sent either
    library.complete(second, "volunteer_mobilisation", matches=[{"volunteer_id": ma, "need": "Keep the gate clear"},
                                                                {"volunteer_id": team, "need": "Shelter"}])
    assert _available(library) == []
