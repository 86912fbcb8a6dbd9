"""Completing tasks: validation before the workflow, seats, conflicts, and concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine import tasks
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AuditEvent, HumanTask, TaskDataRow, WorkflowTaskRow
from tests.scenario import Scenario


@pytest.fixture
def scenario(db: Database) -> Scenario:
    return Scenario(db)


def _snapshot(db: Database, incident_id: int) -> tuple:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEvent)),
            sorted((r.id, r.state, r.data_hash) for r in session.scalars(
                select(WorkflowTaskRow).where(WorkflowTaskRow.incident_id == incident_id))),
            session.scalar(select(func.count()).select_from(TaskDataRow)),
            sorted((t.id, t.state) for t in session.scalars(select(HumanTask))),
        )


def test_invalid_form_data_is_refused_with_field_errors_and_changes_nothing(scenario: Scenario) -> None:
    incident_id = scenario.start()
    before = _snapshot(scenario.db, incident_id)
    bad = {"category": "meteor", "location": "Grid 3", "deaths": -1}
    with pytest.raises(InvalidInput) as caught:
        scenario.complete(incident_id, "record_report", bad)
    assert set(caught.value.fields) == {"category", "deaths", "seriously_injured", "missing", "trapped", "relocated",
                                        "economic_loss"}
    assert _snapshot(scenario.db, incident_id) == before
    assert scenario.open_elements(incident_id) == ["record_report"]


def test_completing_a_task_twice_is_a_conflict(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    scenario.complete(incident_id, "record_report")
    with pytest.raises(Conflict), scenario.db.transaction() as session:
        tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id,
                       data={"category": "natural_disaster", "location": "x", "deaths": 0,
                             "seriously_injured": 0, "missing": 0, "trapped": 0, "relocated": 0,
                             "economic_loss": 0})
    assert scenario.incident(incident_id).response_level == "II"


def test_only_a_holder_of_the_seat_completes_a_task(scenario: Scenario) -> None:
    incident_id = scenario.start()
    with pytest.raises(Forbidden, match="duty_officer"):
        scenario.complete(incident_id, "record_report", as_role="fire")
    assert scenario.open_elements(incident_id) == ["record_report"]


def test_inbox_shows_the_tasks_of_my_seats_only(scenario: Scenario) -> None:
    incident_id = scenario.start()
    with scenario.db.read() as session:
        duty = tasks.inbox(session=session, actor=scenario.actors["duty_officer"])
        fire = tasks.inbox(session=session, actor=scenario.actors["fire"])
    assert [t.task_spec for t in duty] == ["record_report"]
    assert fire == []
    assert duty[0].incident_id == incident_id


def test_claim_release_and_claimed_tasks_leave_other_inboxes(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    with scenario.db.transaction() as session:
        colleague = scenario.actors["outsider"]
        from engine import seats
        from tests.scenario import ADMIN
        seats.seat(session=session, actor=ADMIN, username=colleague.username, role="duty_officer")
    with scenario.db.transaction() as session:
        tasks.claim(session=session, actor=scenario.actors["duty_officer"], task_id=task.id)
    with scenario.db.read() as session:
        assert tasks.inbox(session=session, actor=colleague) == []
    with pytest.raises(Conflict, match="claimed"), scenario.db.transaction() as session:
        tasks.claim(session=session, actor=colleague, task_id=task.id)
    with pytest.raises(Forbidden), scenario.db.transaction() as session:
        tasks.release(session=session, actor=colleague, task_id=task.id)
    with scenario.db.transaction() as session:
        tasks.release(session=session, actor=scenario.actors["duty_officer"], task_id=task.id)
    with scenario.db.read() as session:
        assert [t.id for t in tasks.inbox(session=session, actor=colleague)] == [task.id]


def test_parallel_tasks_completed_at_the_same_moment_both_succeed(scenario: Scenario) -> None:
    incident_id = scenario.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        scenario.complete(incident_id, element)
    assert scenario.open_elements(incident_id) == ["fire_rescue", "medical_care"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def finish(element: str) -> None:
        try:
            barrier.wait()
            scenario.complete(incident_id, element)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=finish, args=(e,)) for e in ("fire_rescue", "medical_care")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert scenario.open_elements(incident_id) == []
    with scenario.db.read() as session:
        done = session.scalars(select(HumanTask.task_spec).where(
            HumanTask.incident_id == incident_id, HumanTask.state == "completed")).all()
    assert {"fire_rescue", "medical_care"} <= set(done)
    # Both branches joined: the workflow now waits for the commander's "response over".
    scenario.message(incident_id, "response_over")
    assert scenario.incident(incident_id).phase == "recovery"


def test_the_same_task_completed_concurrently_succeeds_exactly_once(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def finish() -> None:
        barrier.wait()
        try:
            with scenario.db.transaction() as session:
                tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id,
                               data={"category": "natural_disaster", "location": "x", "deaths": 0,
                                     "seriously_injured": 0, "missing": 0, "trapped": 0,
                                     "relocated": 0, "economic_loss": 0})
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["conflict", "ok"]
