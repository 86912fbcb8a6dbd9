"""Plans in sections over HTTP and on the pages: the versions with their sections, the diff
between two, a response task's API and page showing the section of the plan in force."""

from __future__ import annotations

from typing import Any

from engine.db import Database
from engine.models import EmergencyPlan
from tests.api.conftest import Api


def seed_plans(db: Database) -> None:
    now = db.clock.now()
    with db.transaction() as session:
        for version, first_response in ((1, "Call the gas company."), (2, "Close the riser valve first.")):
            session.add(EmergencyPlan(unit="Hehua Compound", version=version, summary=f"v{version}", content="...",
                                      sections={"risks": "Old gas risers.", "first_response": first_response},
                                      drafted_by="a", approved_by="b", published_at=now))


def test_versions_diff_and_the_section_a_task_works_from(api: Api, db: Database, deployed: None) -> None:
    seed_plans(db)
    grid = api.as_("grid")
    versions = grid.get("/plans?unit=Hehua%20Compound").json()
    assert [v["sections"]["first_response"] for v in versions] == ["Close the riser valve first.",
                                                                    "Call the gas company."]
    diff = grid.get("/plans/diff?unit=Hehua%20Compound&older=1&newer=2").json()
    assert diff == [{"section": "first_response", "before": "Call the gas company.",
                     "after": "Close the riser valve first."}]
    assert grid.get("/plans/diff?unit=Hehua%20Compound&older=1&newer=9").status_code == 404
    incident = api.as_("duty").start()
    task: dict[str, Any] = api.as_("duty").task_of(incident["reference"], "record_report")
    detail = api.as_("duty").get(f"/tasks/{task['id']}").json()
    assert detail["plan_section"] == {"unit": "Hehua Compound", "version": 2, "section": "first_response",
                                      "text": "Close the riser valve first."}
