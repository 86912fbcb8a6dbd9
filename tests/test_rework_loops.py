"""The ordinary rework loop runs flat (engine/workflow/flatten.py): a gateway that sends work back
("rejected → fix → resubmit") runs pass after pass, far beyond the 1,000 tree levels where
SpiffWorkflow's task iterator stops, while the live task tree stays the size it had after the first
passes; the settled passes stay as history (completed tasks, audit trail, diagram), and a workflow
restored from its rows carries on the same way."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import audit, definitions, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from engine.incidents.store import CACHE
from engine.models import WorkflowTaskRow
from engine.overview import diagram
from engine.workflow import live_rows
from tests.scenario import ADMIN, Scenario

FIXTURES = Path(__file__).parent / "fixtures"
REWORK = FIXTURES / "foreign" / "camunda_rework.bpmn"
SHAPES = FIXTURES / "rework"


def _deploy(db: Database, path: Path) -> None:
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([path]))


def _rows(db: Database, incident_id: int) -> tuple[int, int]:
    """(rows of the live tree, all rows) of the incident's workflow."""
    with db.read() as session:
        rows = session.execute(
            select(WorkflowTaskRow.id, WorkflowTaskRow.workflow_id, WorkflowTaskRow.parent_id,
                   WorkflowTaskRow.children)
            .where(WorkflowTaskRow.incident_id == incident_id).order_by(WorkflowTaskRow.seq)).all()
    return len(live_rows(rows)), len(rows)


def _reject_once(scenario: Scenario, incident_id: int) -> None:
    scenario.complete(incident_id, "Activity_submit", {"done": True, "comment": "plan"})
    scenario.complete(incident_id, "Activity_review", {"verified": False, "comment": "not yet"})
    scenario.complete(incident_id, "Activity_fix", {"done": True})


def _approve(scenario: Scenario, incident_id: int) -> None:
    scenario.complete(incident_id, "Activity_submit", {"done": True})
    scenario.complete(incident_id, "Activity_review", {"verified": True})


@pytest.mark.slow
def test_a_rework_loop_runs_flat_past_the_depth_where_the_library_stops(db: Database) -> None:
    """400 passes of 4 tasks would be a tree 1,600 levels deep: SpiffWorkflow alone stops at 1,000."""
    scenario = Scenario(db)
    _deploy(db, REWORK)
    incident_id = scenario.start(process_id="camunda_rework")
    for _ in range(10):
        _reject_once(scenario, incident_id)
    live_at_10, _ = _rows(db, incident_id)
    for _ in range(390):
        _reject_once(scenario, incident_id)
    live_at_400, stored = _rows(db, incident_id)
    assert live_at_400 == live_at_10 < 20
    assert stored > 400 * 4  # every pass's tasks stay as history rows

    CACHE.clear()  # the next command restores the workflow from its rows: only the live ones
    _approve(scenario, incident_id)
    assert scenario.incident(incident_id).status == "closed"
    with db.read() as session:
        done = tasks.completed_tasks(session=session, incident_id=incident_id, limit=10_000)
        completions = [e for e in audit.events(session=session, incident_id=incident_id, after_id=0, limit=10_000)
                       if e.action == "task_completed"]
    assert len(done) == len(completions) == 400 * 3 + 2
    assert sum(t.task_spec == "Activity_fix" for t in done) == 400


@pytest.mark.parametrize("restart", [False, True], ids=["cached", "restored-every-step"])
def test_every_shape_a_pass_may_hold_leaves_the_live_tree(db: Database, clock: ManualClock, restart: bool) -> None:
    """A pass with a script task, a deadline that fires on some passes, an embedded subprocess and
    a parallel multi-instance fix: after it settles, none of it stays live."""
    scenario = Scenario(db, restart_between_steps=restart)
    _deploy(db, SHAPES)
    incident_id = scenario.start(process_id="rework_shapes")
    live: list[int] = []
    for n in range(8):
        if n % 3 == 1:
            clock.advance(timedelta(hours=2))  # the submit deadline fires on this pass
            assert timers.sweep(db).advanced
        scenario.complete(incident_id, "submit", {"done": True})
        scenario.complete(incident_id, "check_facts", {"done": True})
        scenario.complete(incident_id, "review", {"verified": False})
        for task in scenario.open_tasks(incident_id):
            with db.transaction() as session:
                tasks.complete(session=session, actor=scenario.actors["grid_worker"], task_id=task.id,
                               data={"done": True})
        live.append(_rows(db, incident_id)[0])
    assert len(set(live[2:])) == 1, live
    scenario.complete(incident_id, "submit", {"done": True})
    scenario.complete(incident_id, "check_facts", {"done": True})
    scenario.complete(incident_id, "review", {"verified": True})
    assert scenario.incident(incident_id).status == "closed"
    with db.read() as session:
        [drawn] = diagram.for_incident(session=session, incident_id=incident_id, now=clock.now())
    assert {("approved", "fix"), ("fix", "submit"), ("count", "check"), ("approved", "done")} <= set(drawn.taken)


def test_the_diagram_shows_the_flows_of_settled_passes(db: Database, clock: ManualClock) -> None:
    scenario = Scenario(db)
    _deploy(db, REWORK)
    incident_id = scenario.start(process_id="camunda_rework")
    for _ in range(3):
        _reject_once(scenario, incident_id)
    with db.read() as session:
        [drawn] = diagram.for_incident(session=session, incident_id=incident_id, now=clock.now())
    assert {("StartEvent_1", "Activity_submit"), ("Activity_submit", "Activity_review"),
            ("Gateway_ok", "Activity_fix"), ("Activity_fix", "Activity_submit")} <= set(drawn.taken)
    assert ("Gateway_ok", "Event_done") not in drawn.taken


def test_an_incident_of_a_model_without_loops_keeps_every_task_live(db: Database) -> None:
    """Only elements on a loop ever leave the tree: the library's own models are untouched."""
    scenario = Scenario(db)
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")
    live, stored = _rows(db, incident_id)
    assert live == stored
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(WorkflowTaskRow)
                              .where(WorkflowTaskRow.incident_id == incident_id)) == stored
