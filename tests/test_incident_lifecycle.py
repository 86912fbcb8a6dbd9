"""The bundled community_incident model walked through the engine's public services, each path
twice: straight through with the in-process cache, and restored from rows before every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import audit, incidents
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from engine.models import AuditEvent, HumanTask, PhaseHistory
from tests.scenario import Scenario

LOW_REPORT = {"category": "natural_disaster", "location": "Grid 3", "deaths": 0, "seriously_injured": 0,
              "missing": 0, "trapped": 0, "relocated": 0, "economic_loss": 5}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def scenario(request: pytest.FixtureRequest, db: Database) -> Scenario:
    return Scenario(db, restart_between_steps=request.param)


def test_level_ii_incident_runs_from_report_to_closed(scenario: Scenario, clock: ManualClock) -> None:
    incident_id = scenario.start()
    assert scenario.open_elements(incident_id) == ["record_report"]
    assert scenario.incident(incident_id).phase == "response"

    scenario.complete(incident_id, "record_report")
    incident = scenario.incident(incident_id)
    assert incident.response_level == "II"  # 55 seriously injured: graded by the one grading table
    assert scenario.open_elements(incident_id) == ["report_to_district"]

    scenario.complete(incident_id, "report_to_district")
    scenario.complete(incident_id, "activate_response")
    assert scenario.open_elements(incident_id) == ["fire_rescue", "medical_care"]
    fire = scenario.task(incident_id, "fire_rescue")
    assert fire.due_at == clock.now() + timedelta(minutes=30)  # the boundary timer is its deadline
    assert scenario.incident(incident_id).next_timer_at == fire.due_at

    scenario.complete(incident_id, "medical_care")
    scenario.complete(incident_id, "fire_rescue")
    assert scenario.open_elements(incident_id) == []
    assert scenario.incident(incident_id).next_timer_at is None
    with scenario.db.read() as session:
        assert incidents.state(session=session, incident_id=incident_id).waiting_messages == ["response_over"]

    scenario.message(incident_id, "response_over")
    assert scenario.incident(incident_id).phase == "recovery"
    for element in ("damage_statistics", "verify_statistics", "relief_distribution"):
        scenario.complete(incident_id, element)
    assert scenario.incident(incident_id).phase == "learning"
    scenario.complete(incident_id, "after_action_review")

    incident = scenario.incident(incident_id)
    assert (incident.status, incident.phase) == ("closed", "closed")
    with scenario.db.read() as session:
        phases = [h.phase for h in session.scalars(
            select(PhaseHistory).where(PhaseHistory.incident_id == incident_id).order_by(PhaseHistory.id))]
        assert phases == ["response", "recovery", "learning", "closed"]
        completed = session.scalars(select(HumanTask).where(HumanTask.incident_id == incident_id,
                                                            HumanTask.state == "completed")).all()
        assert len(completed) == 9
        assert audit.verify(session=session).ok


def test_level_iv_skips_the_district_report(scenario: Scenario) -> None:
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report", LOW_REPORT)
    assert scenario.incident(incident_id).response_level == "IV"
    assert scenario.open_elements(incident_id) == ["activate_response"]


def test_deadline_timer_escalates_to_the_commander(scenario: Scenario, clock: ManualClock) -> None:
    incident_id = scenario.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        scenario.complete(incident_id, element)

    clock.advance(timedelta(minutes=29))
    assert timers.sweep(scenario.db).advanced == []  # not due yet: nothing fires
    assert "escalate_fire_delay" not in scenario.open_elements(incident_id)

    clock.advance(timedelta(minutes=2))
    result = timers.sweep(scenario.db)
    assert result.advanced == [scenario.incident(incident_id).reference]
    assert scenario.open_elements(incident_id) == ["escalate_fire_delay", "fire_rescue", "medical_care"]
    assert scenario.task(incident_id, "escalate_fire_delay").role == "commander"
    assert scenario.incident(incident_id).next_timer_at is None  # non-interrupting, fired once

    scenario.complete(incident_id, "escalate_fire_delay")
    scenario.complete(incident_id, "fire_rescue")
    scenario.complete(incident_id, "medical_care")
    assert scenario.open_elements(incident_id) == []
    with scenario.db.read() as session:
        fired = session.scalars(select(AuditEvent).where(AuditEvent.incident_id == incident_id,
                                                         AuditEvent.action == "timers_fired")).all()
        assert [[t["element"] for t in e.payload["timers"]] for e in fired] == [["fire_rescue_deadline"]]


def test_deadline_met_means_no_escalation(scenario: Scenario, clock: ManualClock) -> None:
    incident_id = scenario.start()
    for element in ("record_report", "report_to_district", "activate_response", "fire_rescue", "medical_care"):
        scenario.complete(incident_id, element)
    clock.advance(timedelta(hours=2))
    assert timers.sweep(scenario.db).advanced == []
    assert scenario.open_elements(incident_id) == []
