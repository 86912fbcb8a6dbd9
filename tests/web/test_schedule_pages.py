"""The prevention calendar over HTTP and on its page, on SQLite and PostgreSQL: an administrator
adds an entry (anyone else is refused; a wrong entry is refused naming its fields), everyone signed
in reads it, and the page shows what starts when and the work started last."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from engine.clock import ManualClock
from engine.config import time_zone
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from engine.incidents import schedules
from tests.api.conftest import Api
from tests.scenario import ADMIN

SCREENING = {"title": "Monthly hazard screening", "process_id": "hazard_screening", "unit": "Hehua Compound",
             "rule": "monthly", "day": 1, "due_days": 10}


def test_the_calendar_is_added_by_an_administrator_and_shown(web_app: FastAPI, browser: Any, db: Database,
                                                            clock: ManualClock) -> None:
    clock.set(datetime(2027, 2, 20, 12, 0, tzinfo=UTC))
    with TestClient(web_app) as client:
        api = Api(client)
        assert api.as_("grid").post("/schedules", SCREENING).status_code == 403
        wrong = api.as_("admin").post("/schedules", {**SCREENING, "process_id": "emergency_drill", "day": 30})
        assert wrong.status_code == 422 and set(wrong.json()["error"]["fields"]) >= {"day", "drill_type"}
        added = api.as_("admin").post("/schedules", SCREENING)
        assert added.status_code == 201, added.text
        assert added.json()["next_run_at"].startswith("2027-03-01T00:00")  # 08:00 in Shanghai
        drill = api.as_("admin").post("/schedules", {**SCREENING, "title": "Annual full-scale exercise",
                                                     "process_id": "emergency_drill", "rule": "yearly", "month": 6,
                                                     "day": 15, "drill_type": "full_scale", "due_days": 30})
        assert drill.status_code == 201, drill.text
        assert [s["title"] for s in api.as_("grid").get("/schedules").json()] == [
            "Monthly hazard screening", "Annual full-scale exercise"]
    with db.transaction() as session:  # the pages' fixture deploys only the models it needs
        deploy_bundled(session=session, actor=ADMIN)
    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    (started,) = schedules.sweep_schedules(db, time_zone("Asia/Shanghai"))
    page = browser("grid").get("/ui/schedules").text
    assert 'id="calendar"' in page and "Every year, 6/15" in page and started in page
    assert "Full-scale exercise" in page
