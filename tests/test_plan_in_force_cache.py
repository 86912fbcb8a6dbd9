"""The plan in force is kept per process while `cache_versions.plans` stands still (issue 12): a
change made by another process — a version published, corrected, removed — or a publication rolled
back is never served stale. Two `Database`s on one database are two processes: each keeps its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import delete, select, text, update

from engine import registers
from engine.clock import ManualClock
from engine.db import Database, migrate
from engine.models import AuditEvent, EmergencyPlan
from tests.scenario import Scenario

UNIT = "Hehua Compound"


@pytest.fixture
def other(database_url: str, clock: ManualClock, db: Database) -> Iterator[Database]:
    database = Database(database_url, clock=clock)
    yield database
    database.dispose()


def _in_force(db: Database) -> tuple[int, str, str | None] | None:
    with db.read() as session:
        plan = registers.plan_in_force(session=session, unit=UNIT)
    return None if plan is None else (plan.version, plan.summary, plan.sections.get("first_response"))


def _publish(db: Database, incident_id: int, summary: str, first_response: str) -> None:
    with db.transaction() as session:
        registers.publish(session=session, unit=UNIT, summary=summary, content=None,
                          changes={"first_response": first_response}, drafted_by="ma.plan", approved_by="hu.approver",
                          improvement_action_id=None, revision_incident_id=incident_id)


def _started_on(db: Database, scenario: Scenario) -> int | None:
    """The plan version a new start of the unit was seeded with (its `incident_started` event)."""
    incident_id = scenario.start()
    with db.read() as session:
        payload = session.scalars(select(AuditEvent.payload).where(
            AuditEvent.incident_id == incident_id, AuditEvent.action == "incident_started")).one()
    version: int | None = payload["plan_version"]
    return version


def test_a_plan_changed_by_another_process_is_never_served_stale(db: Database, other: Database) -> None:
    scenario = Scenario(db)
    revision = scenario.start()
    assert _started_on(db, scenario) is None and _in_force(db) is None  # kept: this unit has no plan
    _publish(other, revision, "v1", "Call the gas company.")
    assert _started_on(db, scenario) == 1
    assert _in_force(db) == (1, "v1", "Call the gas company.")
    _publish(other, revision, "v2", "Close the riser valve first.")
    assert _in_force(db) == (2, "v2", "Close the riser valve first.")
    assert _started_on(db, scenario) == 2
    with other.transaction() as session:  # a correction made by hand
        session.execute(update(EmergencyPlan).where(EmergencyPlan.version == 2).values(summary="v2, corrected"))
    assert _in_force(db) == (2, "v2, corrected", "Close the riser valve first.")
    with other.transaction() as session:  # the version withdrawn: the one before is in force again
        session.execute(delete(EmergencyPlan).where(EmergencyPlan.version == 2))
    assert _in_force(db) == (1, "v1", "Call the gas company.")
    assert _started_on(db, scenario) == 1


def test_a_plan_read_by_the_transaction_that_published_it_is_not_kept_if_it_rolls_back(
        db: Database, other: Database) -> None:
    scenario = Scenario(db)
    revision = scenario.start()
    _publish(db, revision, "v1", "Call the gas company.")
    assert _in_force(db) == (1, "v1", "Call the gas company.")
    with pytest.raises(RuntimeError), db.transaction() as session:
        registers.publish(session=session, unit=UNIT, summary="withdrawn", content=None,
                          changes={"first_response": "Never published."}, drafted_by="ma.plan",
                          approved_by="hu.approver", improvement_action_id=None, revision_incident_id=revision)
        plan = registers.plan_in_force(session=session, unit=UNIT)
        assert plan is not None and plan.summary == "withdrawn"  # its own, uncommitted
        raise RuntimeError("rolled back")
    # The counter went back with the rollback; another process's publication moves it to the same value.
    _publish(other, revision, "v2", "Close the riser valve first.")
    assert _in_force(db) == (2, "v2", "Close the riser valve first.")
    assert _in_force(other) == (2, "v2", "Close the riser valve first.")


def test_the_plans_counter_goes_and_comes_back_with_its_migration(db: Database) -> None:
    config = migrate.alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "a7c3e9d2b514")
        assert connection.scalar(text("SELECT count(*) FROM cache_versions WHERE name = 'plans'")) == 0
    migrate.upgrade(db.engine)
    scenario = Scenario(db)
    _publish(db, scenario.start(), "v1", "Call the gas company.")
    with db.read() as session:
        assert session.scalar(text("SELECT version FROM cache_versions WHERE name = 'plans'")) == 1
