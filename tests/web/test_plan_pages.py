"""The plans page and the task page, on SQLite and PostgreSQL: a unit's plan in force by section,
the differences between two versions, and a response task showing the section it works from."""

from __future__ import annotations

from typing import Any

from engine.db import Database
from tests.api.test_plans import seed_plans
from tests.web.test_pages import _task_id


def test_the_plan_its_diff_and_the_task_that_works_from_it(browser: Any, db: Database, incident: str) -> None:
    seed_plans(db)
    grid = browser("grid")
    page = grid.get("/ui/plans?unit=Hehua%20Compound").text
    assert "In force: version 2" in page and "Close the riser valve first." in page
    diff = grid.get("/ui/plans?unit=Hehua%20Compound&older=1&newer=2").text
    assert 'id="plan-diff"' in diff and "<del>Call the gas company.</del>" in diff
    assert "This unit has no plan yet." in grid.get("/ui/plans?unit=Nowhere").text
    duty = browser("duty")
    task = duty.get(f"/ui/tasks/{_task_id(db, incident, 'record_report')}").text
    assert 'id="plan-section"' in task and "Close the riser valve first." in task
