"""Moving a real incident of the library's core model to newer versions: mid-response (parallel
tasks, a deadline timer on a boundary event) and mid-recovery (inside the called recovery
process), each restored from rows between steps; its deadline keeps its moment, the new names
show, and it runs to closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import audit, definitions, incidents
from engine.clock import ManualClock
from engine.db import Database
from engine.definitions.bundled import bundled_files
from engine.incidents import timers
from tests.scenario import ADMIN, Scenario


def deploy(db: Database, files: dict[str, bytes]) -> None:
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)


def migrate(db: Database, incident_id: int, version: int) -> None:
    with db.transaction() as session:
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=version)


@pytest.mark.slow
def test_a_community_incident_moves_twice_and_closes(db: Database, clock: ManualClock) -> None:
    scenario = Scenario(db, restart_between_steps=True)
    incident_id = scenario.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        scenario.complete(incident_id, element)
    assert scenario.open_elements(incident_id) == ["fire_rescue", "medical_care"]
    deadline = scenario.task(incident_id, "fire_rescue").due_at

    files = bundled_files()
    files["community_incident.bpmn"] = files["community_incident.bpmn"].replace(
        b'name="Fire and rescue"', b'name="Fire and rescue team"')
    deploy(db, files)
    migrate(db, incident_id, 2)
    moved = scenario.task(incident_id, "fire_rescue")
    assert (moved.title, moved.due_at) == ("Fire and rescue team", deadline)
    clock.advance(timedelta(minutes=31))
    assert timers.sweep(db).advanced  # the deadline still escalates, at its old moment
    for element in ("escalate_fire_delay", "fire_rescue", "medical_care"):
        scenario.complete(incident_id, element)
    scenario.message(incident_id, "response_over")
    scenario.complete(incident_id, "damage_statistics")  # now inside the called recovery process

    files["community_incident.bpmn"] = files["community_incident.bpmn"].replace(b"rescue team", b"rescue crew")
    files["community_recovery.bpmn"] = files["community_recovery.bpmn"].replace(
        b'name="Distribute relief"', b'name="Distribute relief and supplies"')
    deploy(db, files)
    migrate(db, incident_id, 3)
    scenario.complete(incident_id, "verify_statistics")
    assert scenario.task(incident_id, "relief_distribution").title == "Distribute relief and supplies"
    scenario.complete(incident_id, "relief_distribution")
    scenario.complete(incident_id, "after_action_review")
    assert scenario.incident(incident_id).status == "closed"
    with db.read() as session:
        assert audit.verify(session=session).ok
