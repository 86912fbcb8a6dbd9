"""Trap 1 and 2 of SPIFFWORKFLOW.md: an incident with more than 1,000 completed tasks still
progresses, restores from its rows, and completes; each command writes only what changed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine import definitions, incidents, tasks
from engine.db import Database
from engine.incidents.store import CACHE
from engine.models import TaskDataRow, WorkflowTaskRow
from tests.scenario import ADMIN, Scenario

BUNDLE = Path(__file__).parent / "fixtures" / "long"
REPORTS = 1_050


def _complete_open(db: Database, scenario: Scenario, incident_id: int, data: dict) -> None:
    with db.transaction() as session:
        (task,) = tasks.open_tasks(session=session, incident_id=incident_id)
        tasks.complete(session=session, actor=scenario.actors["duty_officer"], task_id=task.id, data=data)


def _rows(db: Database, incident_id: int) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(WorkflowTaskRow)
                              .where(WorkflowTaskRow.incident_id == incident_id)) or 0


def test_an_incident_past_a_thousand_completed_tasks_still_progresses_and_completes(db: Database) -> None:
    scenario = Scenario(db)
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([BUNDLE]))
    incident_id = scenario.start(process_id="long_watch")

    for n in range(REPORTS):
        _complete_open(db, scenario, incident_id, {"verified": False, "comment": f"report {n}"})
    rows_before = _rows(db, incident_id)
    assert rows_before > REPORTS

    CACHE.clear()  # the next command restores the whole long workflow from its rows
    _complete_open(db, scenario, incident_id, {"verified": True, "comment": "all clear"})
    assert scenario.open_elements(incident_id) == ["close_watch"]
    _complete_open(db, scenario, incident_id, {"verified": True})

    incident = scenario.incident(incident_id)
    assert incident.status == "closed"
    with db.read() as session:
        completed = incidents.state(session=session, incident_id=incident_id)
        assert completed.open_tasks == []
        # De-duplicated data: far fewer data rows than task rows.
        data_rows = session.scalar(select(func.count()).select_from(TaskDataRow)
                                   .where(TaskDataRow.incident_id == incident_id))
    assert data_rows is not None and data_rows < _rows(db, incident_id)
