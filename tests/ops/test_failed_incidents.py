"""A timer whose next step fails (a variable nobody set): retried with back-off, then the incident
stops as failed with what failed, where and the data it saw; the commander sets the variable and
retries, or an administrator moves it to a fixed version of its process — then it runs to closed.
Real engine services on both databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import audit, definitions, incidents
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.incidents import timers
from engine.models import AuditEvent
from tests.scenario import ADMIN, Scenario

BUNDLE = Path(__file__).parent.parent / "fixtures" / "timer_fix"
BROKEN = "follow_up_level = threshold + 1"


#: Version 2's changes: the step no longer needs the variable, and a new task comes after it.
FIXED = (
    (BROKEN, "follow_up_level = 1"),
    ('targetRef="follow_up_report" />', 'targetRef="call_street" />'
     '<bpmn:sequenceFlow id="to_call_done" sourceRef="call_street" targetRef="follow_up_report" />'
     '<bpmn:userTask id="call_street" name="Call the street"><bpmn:incoming>to_follow_up</bpmn:incoming>'
     '<bpmn:outgoing>to_call_done</bpmn:outgoing></bpmn:userTask>'),
    ("<bpmn:incoming>to_follow_up</bpmn:incoming><bpmn:outgoing>to_end",
     "<bpmn:incoming>to_call_done</bpmn:incoming><bpmn:outgoing>to_end"),
    ("<bpmn:flowNodeRef>watch_closed</bpmn:flowNodeRef>",
     "<bpmn:flowNodeRef>watch_closed</bpmn:flowNodeRef><bpmn:flowNodeRef>call_street</bpmn:flowNodeRef>"),
)


def deploy(db: Database, *changes: tuple[str, str]) -> None:
    files = definitions.read_bundle([BUNDLE])
    for old, new in changes:
        files = {name: content.replace(old.encode(), new.encode()) for name, content in files.items()}
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)


def failing_incident(scenario: Scenario, clock: ManualClock) -> int:
    """An incident whose follow-up timer is due and fails until it is fixed."""
    deploy(scenario.db)
    incident_id = scenario.start(process_id="timer_fix")
    scenario.complete(incident_id, "first_report", {"verified": True})
    clock.advance(timedelta(hours=1, minutes=1))
    return incident_id


def actions(db: Database, incident_id: int) -> list[str]:
    with db.read() as session:
        return [e.action for e in session.query(AuditEvent).filter_by(incident_id=incident_id).order_by(AuditEvent.id)]


def test_failed_timer_is_retried_then_stops_then_resumes_after_a_fix(db: Database, clock: ManualClock) -> None:
    scenario = Scenario(db)
    incident_id = failing_incident(scenario, clock)
    policy = incidents.RetryPolicy(attempts=3, first_delay=timedelta(minutes=1))

    reference = scenario.incident(incident_id).reference
    assert timers.sweep(db, policy=policy).failed == [reference]
    with db.read() as session:
        failure = incidents.open_failure(session=session, incident_id=incident_id)
        assert failure is not None
        assert (failure.state, failure.attempts, failure.element) == ("retrying", 1, "weigh_follow_up")
        assert failure.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert scenario.incident(incident_id).status == "active"  # still retrying
    assert timers.sweep(db, policy=policy).failed == []  # back-off: not yet
    clock.advance(timedelta(minutes=1))
    assert timers.sweep(db, policy=policy).failed == [reference]  # attempt 2, next in 2 minutes
    clock.advance(timedelta(minutes=1))
    assert timers.sweep(db, policy=policy).failed == []
    clock.advance(timedelta(minutes=1))
    assert timers.sweep(db, policy=policy).failed == [reference]  # attempt 3: retries spent

    incident = scenario.incident(incident_id)
    assert (incident.status, incident.next_timer_at) == ("failed", None)
    with db.read() as session:
        failure = incidents.open_failure(session=session, incident_id=incident_id)
        assert failure is not None
        assert (failure.state, failure.attempts, failure.element_name) == ("stopped", 3, "Weigh the follow-up")
        assert "threshold" in failure.error
        assert failure.data["verified"] is True  # the data the failing step saw
    assert scenario.open_elements(incident_id) == []

    # Retried by hand without a fix: it fails again, and stays failed.
    with db.transaction() as session:
        again = incidents.retry(session=session, actor=scenario.actors["commander"], incident_id=incident_id,
                                reason="try once more")
        assert again is not None and again.attempts == 4
    assert scenario.incident(incident_id).status == "failed"

    with pytest.raises(Forbidden), db.transaction() as session:
        incidents.set_variable(session=session, actor=scenario.actors["outsider"], incident_id=incident_id,
                               name="threshold", value=2, reason="guess")
    with pytest.raises(InvalidInput) as refused, db.transaction() as session:
        incidents.set_variable(session=session, actor=scenario.actors["commander"], incident_id=incident_id,
                               name="threshold", value=2, reason=" ")
    assert set(refused.value.fields) == {"reason"}
    with db.transaction() as session:
        incidents.set_variable(session=session, actor=scenario.actors["commander"], incident_id=incident_id,
                               name="threshold", value=2, reason="the district's threshold is 2")
    with db.transaction() as session:
        assert incidents.retry(session=session, actor=scenario.actors["commander"], incident_id=incident_id,
                               reason="threshold set") is None
    assert scenario.incident(incident_id).status == "active"
    assert scenario.open_elements(incident_id) == ["follow_up_report"]
    scenario.complete(incident_id, "follow_up_report", {"verified": True})
    assert scenario.incident(incident_id).status == "closed"

    with db.read() as session:
        assert [f.state for f in incidents.history(session=session, incident_id=incident_id)] == ["resolved"]
        assert audit.verify(session=session).ok
        variable = session.query(AuditEvent).filter_by(incident_id=incident_id, action="variable_set").one()
        assert variable.payload == {"name": "threshold", "from": None, "to": 2,
                                    "reason": "the district's threshold is 2"}
    trail = actions(db, incident_id)
    assert trail.count("timer_failed") == 2
    assert trail.count("incident_failed") == 2
    assert trail.count("incident_retried") == 2
    assert "failure_resolved" in trail


def test_migration_to_a_fixed_version_resumes_the_incident(db: Database, clock: ManualClock) -> None:
    scenario = Scenario(db)
    incident_id = failing_incident(scenario, clock)
    assert timers.sweep(db, policy=incidents.RetryPolicy(attempts=1)).failed
    assert scenario.incident(incident_id).status == "failed"
    deploy(db, *FIXED)

    with pytest.raises(Forbidden), db.transaction() as session:
        incidents.migrate(session=session, actor=scenario.actors["commander"], incident_id=incident_id, to_version=2)
    with db.transaction() as session:
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=2)
    with db.transaction() as session:
        assert incidents.retry(session=session, actor=ADMIN, incident_id=incident_id, reason="version 2") is None
    assert scenario.open_elements(incident_id) == ["call_street"]  # the path ahead is version 2's
    scenario.complete(incident_id, "call_street", {"done": True})
    scenario.complete(incident_id, "follow_up_report", {"verified": True})
    assert scenario.incident(incident_id).status == "closed"
    with db.read() as session:
        moved = session.query(AuditEvent).filter_by(incident_id=incident_id, action="incident_migrated").one()
        assert moved.payload == {"process_id": "timer_fix", "from_version": 1, "to_version": 2}
        assert audit.verify(session=session).ok


def test_migration_is_refused_naming_the_elements_without_a_counterpart(db: Database, clock: ManualClock) -> None:
    scenario = Scenario(db)
    deploy(db)
    incident_id = scenario.start(process_id="timer_fix")
    scenario.complete(incident_id, "first_report", {"verified": True})  # now waiting on follow_up_due
    deploy(db, ("follow_up_due", "follow_up_timer"))  # version 2 renamed the timer
    before = scenario.incident(incident_id)

    with pytest.raises(Conflict) as refused, db.transaction() as session:
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=2)
    assert refused.value.message.code == "migration.unmatched"
    assert refused.value.message.params["elements"] == "follow_up_due"
    with pytest.raises(InvalidInput), db.transaction() as session:
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=1)
    after = scenario.incident(incident_id)
    assert (after.definition_id, after.version) == (before.definition_id, before.version)
    # It still runs on version 1.
    clock.advance(timedelta(hours=2))
    with db.transaction() as session:
        incidents.set_variable(session=session, actor=ADMIN, incident_id=incident_id, name="threshold", value=1,
                               reason="set before the timer fires")
    assert timers.sweep(db).advanced == [after.reference]
    assert scenario.open_elements(incident_id) == ["follow_up_report"]
