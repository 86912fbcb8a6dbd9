"""Trap 1 and 2 of SPIFFWORKFLOW.md: an incident with more than 1,000 completed tasks still
progresses, restores from its rows, and completes; each command writes only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

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


#: The bench's long model: two looped user tasks side by side (bench/growth.py drives it).
BENCH_MODELS = Path(__file__).parents[1] / "bench" / "models"
SIDE_BY_SIDE = (("situation_report", "duty_officer"), ("screening_finding", "grid_worker"))


def _task_rows_written(db: Database, scenario: Scenario, incident_id: int, element: str, role: str) -> int:
    written: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO WORKFLOW_TASKS"):
            written.append(len(parameters) if many else 1)

    task = scenario.task(incident_id, element)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.transaction() as session:
            tasks.complete(session=session, actor=scenario.actors[role], task_id=task.id,
                           data={"verified": False, "comment": f"{element} {task.id}"})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sum(written)


def test_each_command_writes_its_loop_row_once_per_iteration(db: Database) -> None:
    """Completing one loop's task writes three task rows: the finished iteration, the next one and
    their loop. The other loop's row is not written again: its previous iteration left the live
    tree in the delta that stored the loop row without it, not after the save."""
    scenario = Scenario(db)
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([BENCH_MODELS]))
    incident_id = scenario.start(process_id="bench_long_response")
    written = [_task_rows_written(db, scenario, incident_id, element, role)
               for _ in range(6) for element, role in SIDE_BY_SIDE]
    assert written[4:] == [3] * len(written[4:]), written

    CACHE.clear()  # restored from rows: the detached iterations stay out, the loops carry on
    written = [_task_rows_written(db, scenario, incident_id, element, role)
               for _ in range(3) for element, role in SIDE_BY_SIDE]
    assert written == [3] * len(written), written
    assert sorted(scenario.open_elements(incident_id)) == ["screening_finding", "situation_report"]
    for element, role in SIDE_BY_SIDE:
        scenario.complete(incident_id, element, {"verified": True}, as_role=role)
    assert scenario.open_elements(incident_id) == ["close_response"]
