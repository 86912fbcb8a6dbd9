"""The answers to a missed deadline do what they say (issue 10): `reassign` gives the late task to
another holder of its seat (the one named, or the next by username), `escalate_up` sends it to the
command seat of the tier above the one leading the response; both audited, neither possible when it
cannot be done. Cached and restored from rows every step, on both databases."""

from __future__ import annotations

import pytest

from engine import seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Conflict, InvalidInput
from tests.library_helpers import ADMIN, FORM_SAMPLES, Library

REPORT = FORM_SAMPLES["incident_full_report"]


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    library = Library(db, clock, restore=request.param)
    with db.transaction() as session:  # a second fire-team member on duty
        user = seats.create_user(session=session, actor=ADMIN, username="bai.fire")
        seats.seat(session=session, actor=ADMIN, username="bai.fire", role="fire")
        library.actors["bai.fire"] = seats.actor_for(user)
    return library


def _fire_team_late(library: Library, report: dict, commander: str) -> int:
    incident_id = library.respond(report, commander)
    library.advance(minutes=31)  # fire and rescue misses its 30 minutes
    assert library.task(incident_id, "escalate_fire_rescue").role == "commander"
    return incident_id


def test_reassign_hands_the_late_task_to_the_next_holder_of_its_seat(library: Library) -> None:
    incident_id = _fire_team_late(library, REPORT, "li.community")
    fire = library.task(incident_id, "fire_rescue")
    with library.db.transaction() as session:
        tasks.claim(session=session, actor=library.actors["liu.fire"], task_id=fire.id)
    library.complete(incident_id, "escalate_fire_rescue", action="reassign")
    moved = library.task(incident_id, "fire_rescue")
    assert library.person_for(moved) == "bai.fire"
    assert library.audit(incident_id, "task_reassigned")[-1] == {
        "task_id": fire.id, "task": "fire_rescue", "from": "liu.fire", "to": "bai.fire",
        "escalation": "escalate_fire_rescue"}
    with pytest.raises(Conflict):  # the first holder no longer has it
        library.complete(incident_id, "fire_rescue", as_user="liu.fire")
    library.complete(incident_id, "fire_rescue")
    assert library.completed(incident_id, "fire_rescue")[0].completed_by == "bai.fire"


def test_reassign_to_a_named_holder_and_refused_for_someone_without_the_seat(library: Library) -> None:
    incident_id = _fire_team_late(library, REPORT, "li.community")
    with pytest.raises(InvalidInput) as refused:
        library.complete(incident_id, "escalate_fire_rescue", action="reassign", reassign_to="sun.medical")
    assert set(refused.value.fields) == {"reassign_to"}
    assert library.task(incident_id, "fire_rescue").assignee_id is None  # nothing changed
    assert "escalate_fire_rescue" in library.open_elements(incident_id)
    library.complete(incident_id, "escalate_fire_rescue", action="reassign", reassign_to="liu.fire")
    assert library.person_for(library.task(incident_id, "fire_rescue")) == "liu.fire"


def test_escalate_up_sends_the_late_task_to_the_tier_above_the_leading_one(library: Library) -> None:
    incident_id = _fire_team_late(library, REPORT, "li.community")  # below 一般: the community leads
    library.complete(incident_id, "escalate_fire_rescue", action="escalate_up")
    fire = library.task(incident_id, "fire_rescue")
    assert (fire.role, fire.assignee_id) == ("street_commander", None)
    assert library.audit(incident_id, "task_escalated_up")[-1] == {
        "task_id": fire.id, "task": "fire_rescue", "role": "fire", "seat": "street_commander",
        "escalation": "escalate_fire_rescue"}
    with pytest.raises(Exception):  # noqa: B017,PT011 - the fire seat no longer holds it (Forbidden)
        library.complete(incident_id, "fire_rescue", as_user="liu.fire")
    library.complete(incident_id, "fire_rescue")
    assert library.completed(incident_id, "fire_rescue")[0].completed_by == "zhao.street"


def test_escalate_up_is_refused_when_the_province_already_leads(library: Library) -> None:
    incident_id = _fire_team_late(library, {**REPORT, "deaths": 35}, "yan.province")
    with pytest.raises(InvalidInput) as refused:
        library.complete(incident_id, "escalate_fire_rescue", action="escalate_up")
    assert set(refused.value.fields) == {"action"}
    assert library.task(incident_id, "fire_rescue").role == "fire"
    library.complete(incident_id, "escalate_fire_rescue", action="reinforce")  # the other answers still do
    assert library.task(incident_id, "fire_rescue").role == "fire"
