"""Incident commands beyond tasks: messages, ending, seats for one incident, reassignment,
several timer workers, and several processes sharing one database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from engine import incidents, seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.incidents import timers
from tests.scenario import ADMIN, Scenario


@pytest.fixture
def scenario(db: Database) -> Scenario:
    return Scenario(db)


def test_a_message_nobody_waits_for_is_a_conflict_and_changes_nothing(scenario: Scenario) -> None:
    incident_id = scenario.start()
    version = scenario.incident(incident_id).version
    with pytest.raises(Conflict, match="response_over"):
        scenario.message(incident_id, "response_over")
    assert scenario.incident(incident_id).version == version
    assert scenario.open_elements(incident_id) == ["record_report"]


def test_only_the_commander_sends_messages_and_ends_incidents(scenario: Scenario) -> None:
    incident_id = scenario.start()
    with pytest.raises(Forbidden), scenario.db.transaction() as session:
        incidents.send_message(session=session, actor=scenario.actors["fire"], incident_id=incident_id,
                               name="response_over")
    with pytest.raises(Forbidden), scenario.db.transaction() as session:
        incidents.end(session=session, actor=scenario.actors["duty_officer"], incident_id=incident_id,
                      reason="false alarm")


def test_cancelling_drops_open_tasks_and_refuses_further_commands(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    with pytest.raises(InvalidInput, match="reason"), scenario.db.transaction() as session:
        incidents.end(session=session, actor=scenario.actors["commander"], incident_id=incident_id, reason=" ")
    with scenario.db.transaction() as session:
        incidents.end(session=session, actor=scenario.actors["commander"], incident_id=incident_id,
                      reason="False alarm: a barbecue, not a fire")
    incident = scenario.incident(incident_id)
    assert (incident.status, incident.phase, incident.end_reason) == (
        "cancelled", "closed", "False alarm: a barbecue, not a fire")
    assert scenario.open_tasks(incident_id) == []
    with pytest.raises(Conflict, match="cancelled"), scenario.db.transaction() as session:
        tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id,
                       data={"category": "natural_disaster", "location": "x", "deaths": 0,
                             "seriously_injured": 0, "missing": 0, "trapped": 0, "relocated": 0,
                             "economic_loss": 0})


def test_a_seat_for_one_incident_works_there_only(scenario: Scenario) -> None:
    first, second = scenario.start(), scenario.start(title="Second")
    with scenario.db.transaction() as session:
        volunteer = seats.create_user(session=session, actor=ADMIN, username="volunteer")
        seats.seat(session=session, actor=scenario.actors["commander"], username="volunteer",
                   role="duty_officer", incident_id=first)
        actor = seats.actor_for(volunteer)
    with scenario.db.read() as session:
        assert {t.incident_id for t in tasks.inbox(session=session, actor=actor)} == {first}
    with pytest.raises(Forbidden), scenario.db.transaction() as session:
        tasks.complete(session=session, actor=actor, task_id=scenario.task(second, "record_report").id,
                       data={})
    with pytest.raises(Forbidden), scenario.db.transaction() as session:  # a commander seats for incidents only
        seats.seat(session=session, actor=scenario.actors["commander"], username="volunteer", role="fire")


def test_the_commander_reassigns_a_task_to_a_holder_of_its_seat(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    with pytest.raises(InvalidInput, match="duty_officer"), scenario.db.transaction() as session:
        tasks.reassign(session=session, actor=scenario.actors["commander"], task_id=task.id, username="fire.user")
    with pytest.raises(NotFound), scenario.db.transaction() as session:
        tasks.reassign(session=session, actor=scenario.actors["commander"], task_id=task.id, username="ghost")
    with scenario.db.transaction() as session:
        moved = tasks.reassign(session=session, actor=scenario.actors["commander"], task_id=task.id,
                               username="duty_officer.user")
        assert moved.assignee_id == scenario.actors["duty_officer"].user_id


def test_two_workers_sweeping_together_advance_each_due_incident_once(scenario: Scenario,
                                                                      clock: ManualClock) -> None:
    ids = [scenario.start(title=f"Incident {n}") for n in range(4)]
    for incident_id in ids:
        for element in ("record_report", "report_to_district", "activate_response"):
            scenario.complete(incident_id, element)
    clock.advance(timedelta(minutes=31))
    results: list[timers.SweepResult] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        results.append(timers.sweep(scenario.db))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    advanced = [ref for result in results for ref in result.advanced]
    assert sorted(advanced) == sorted(scenario.incident(i).reference for i in ids)
    for incident_id in ids:
        assert scenario.open_elements(incident_id).count("escalate_fire_delay") == 1


def test_a_second_process_on_the_same_database_never_sees_a_stale_workflow(
        database_url: str, clock: ManualClock) -> None:
    from engine.db import migrate

    first = Database(database_url, clock=clock)
    migrate.upgrade(first.engine)
    scenario = Scenario(first)
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")  # `first` now caches this workflow
    # Another process: same database, its own cache.
    second = Database(database_url, clock=clock)
    other = Scenario.__new__(Scenario)
    other.db, other.restart, other.actors = second, False, scenario.actors
    other.complete(incident_id, "report_to_district")
    # Back in the first process: its cached copy is a version behind and must not be used.
    scenario.complete(incident_id, "activate_response")
    assert scenario.open_elements(incident_id) == ["fire_rescue", "medical_care"]
    first.dispose()
    second.dispose()


def test_losing_a_seat_gives_back_its_claimed_tasks(scenario: Scenario) -> None:
    incident_id = scenario.start()
    task = scenario.task(incident_id, "record_report")
    with scenario.db.transaction() as session:
        tasks.claim(session=session, actor=scenario.actors["duty_officer"], task_id=task.id)
    with scenario.db.transaction() as session:
        seats.unseat(session=session, actor=ADMIN, username="duty_officer.user", role="duty_officer")
    assert scenario.task(incident_id, "record_report").assignee_id is None
    with pytest.raises(Forbidden), scenario.db.transaction() as session:
        tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id, data={})


def test_a_damaged_stored_workflow_is_refused_clearly_and_nothing_changes(scenario: Scenario) -> None:
    from sqlalchemy import delete, select

    from engine.errors import WorkflowFailure
    from engine.incidents.store import CACHE
    from engine.models import WorkflowTaskRow

    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")
    with scenario.db.transaction() as session:  # lose the root row of the task tree
        root = session.scalars(select(WorkflowTaskRow).where(
            WorkflowTaskRow.incident_id == incident_id, WorkflowTaskRow.parent_id.is_(None))).first()
        assert root is not None
        session.execute(delete(WorkflowTaskRow).where(WorkflowTaskRow.incident_id == incident_id,
                                                      WorkflowTaskRow.id == root.id))
    CACHE.clear()
    version = scenario.incident(incident_id).version
    with pytest.raises(WorkflowFailure, match="cannot be restored"):
        scenario.complete(incident_id, "report_to_district")
    assert scenario.incident(incident_id).version == version
    assert scenario.open_elements(incident_id) == ["report_to_district"]
