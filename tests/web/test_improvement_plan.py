"""The improvement plan over HTTP, on SQLite and PostgreSQL: closing an action without evidence is
refused with a 422 naming the field and changes nothing; the register's API filters by the AAR/IP
columns; the matrix page filters and exports CSV in the reader's language."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from engine import seats
from engine.clock import ManualClock
from engine.db import Database
from engine.models import User
from tests.api.conftest import PASSWORD_HASH, Api
from tests.library_helpers import ACTION, ADMIN, Library, action_from_drill


def _library(db: Database, clock: ManualClock) -> Library:
    library = Library(db, clock)
    with db.transaction() as session:  # the library's people may sign in; its commanders command
        session.execute(update(User).where(User.username.in_(("wu.logistics", "hu.approver")))
                        .values(password_hash=PASSWORD_HASH))
        seats.unseat(session=session, actor=ADMIN, username="commander", role=seats.COMMANDER)
    return library


def test_closing_without_evidence_is_refused_over_http_and_the_plan_is_listed(
        web_app: FastAPI, browser: Any, db: Database, clock: ManualClock) -> None:
    library = _library(db, clock)
    action, process_id = action_from_drill(library)
    task = library.task(process_id, "carry_out_action")
    with TestClient(web_app) as client:
        owner = Api(client).as_("wu.logistics")
        refused = owner.post(f"/tasks/{task.id}/complete", {"data": {"evidence": ""}})
        assert refused.status_code == 422, refused.text
        assert set(refused.json()["error"]["fields"]) == {"evidence"}
        assert library.open_elements(process_id) == ["carry_out_action"]
        listed = owner.get("/improvement-actions?capability=supplies").json()["items"]
        assert [(a["id"], a["issue"], a["owner_seat"], a["status"]) for a in listed] == [
            (action.id, ACTION["issue"], "logistics", "open")]
        assert owner.get("/improvement-actions?capability=rescue").json()["items"] == []
        assert owner.get("/improvement-actions?capability=nonsense").status_code == 422
        done = owner.post(f"/tasks/{task.id}/complete", {"data": {"evidence": "Torches tested."}})
        assert done.status_code == 200, done.text
        assert owner.get("/improvement-actions?status=submitted").json()["items"][0]["evidence"] == "Torches tested."

    grid = browser("grid")
    page = grid.get("/ui/improvements?capability=supplies").text
    assert 'id="improvement-plan"' in page and ACTION["title"] in page and ACTION["issue"] in page
    assert "No improvement actions." in grid.get("/ui/improvements?status=done").text
    from_drills = grid.get("/ui/improvements?source=drill").text  # where it was found: a selector of its own
    assert '<option value="drill" selected>Drill evaluation</option>' in from_drills and ACTION["title"] in from_drills
    assert "No improvement actions." in grid.get("/ui/improvements?source=after_action_review").text
    exported = grid.get("/ui/improvements.csv?capability=supplies")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["No.", "Capability", "Issue", "Corrective action", "Owner seat"]
    assert rows[1][1:5] == ["Supplies and equipment", ACTION["issue"], ACTION["title"], "Logistics"]
    zh = browser("grid")
    zh.post("/ui/language", {"language": "zh", "next": "/ui/improvements"}, page="/ui/improvements")
    rows = list(csv.reader(io.StringIO(zh.get("/ui/improvements.csv").text.lstrip("\ufeff"))))
    assert rows[0][1] == "能力类别" and rows[1][1] == "物资装备保障" and rows[1][9] == "待验证"
