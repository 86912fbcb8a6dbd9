"""A message-started event subprocess (how a commander changes the level at any moment): it may
fire several times, survives a restore from rows, and the level it sets reaches the incident."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import definitions
from engine.db import Database
from engine.incidents.store import CACHE
from tests.scenario import ADMIN, Scenario

BUNDLE = Path(__file__).parent / "fixtures" / "event_sub"


@pytest.mark.parametrize("restore", [False, True], ids=["cached", "restored"])
def test_level_changes_by_message_then_the_process_completes(db: Database, restore: bool) -> None:
    scenario = Scenario(db, restart_between_steps=restore)
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([BUNDLE]))
    incident_id = scenario.start(process_id="level_watch")
    scenario.message(incident_id, "change_level", {"level": "III", "reason": "more people trapped"})
    assert scenario.incident(incident_id).response_level == "III"
    assert scenario.open_elements(incident_id) == ["confirm_level", "first_report"]
    CACHE.clear()  # restore while the event subprocess is still running
    scenario.complete(incident_id, "confirm_level", {"verified": True})
    scenario.complete(incident_id, "first_report", {"verified": True})
    scenario.message(incident_id, "change_level", {"level": "I", "reason": "building collapse"})
    assert scenario.incident(incident_id).response_level == "I"
    scenario.complete(incident_id, "second_report", {"verified": True})
    assert scenario.incident(incident_id).status == "active"  # the second change still awaits confirmation
    scenario.complete(incident_id, "confirm_level", {"verified": True})
    incident = scenario.incident(incident_id)
    assert incident.status == "closed"
    assert incident.response_level == "I"
    # A second incident on the same definition starts clean: the first one's trigger did not leak.
    other = scenario.start(process_id="level_watch")
    assert scenario.open_elements(other) == ["first_report"]
    assert scenario.incident(other).response_level is None
