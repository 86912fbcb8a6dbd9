"""The report register (信息报告台账) over HTTP: the JSON API, the page and its CSV export, for an
incident whose written initial report was late."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import FastAPI

from engine.clock import ManualClock
from engine.db import Database
from tests.api.conftest import PASSWORD
from tests.library_helpers import Library


def _incident_with_a_late_report(db: Database, clock: ManualClock) -> str:
    library = Library(db, clock)
    incident_id = library.start("incident_lifecycle")
    library.advance(minutes=10)
    library.complete(incident_id, "initial_report_phone")
    library.advance(minutes=55)  # the written one is 5 minutes late
    library.complete(incident_id, "initial_report_written")
    library.complete(incident_id, "first_response", people_moved=18, people_rescued=2)  # counted for the reports
    return library.incident(incident_id).reference


def test_the_register_answers_over_the_api_on_a_page_and_as_csv(
        db: Database, clock: ManualClock, web_app: FastAPI, browser: Any) -> None:
    ref = _incident_with_a_late_report(db, clock)
    auditor = browser("auditor")
    token = auditor.client.post("/auth/token", data={"username": "auditor", "password": PASSWORD}).json()
    answer = auditor.client.get(f"/incidents/{ref}/reports",
                                headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["incident"] == ref
    assert [(r["element"], r["kind"], r["addressee"], r["late"]) for r in body["reports"]] == [
        ("initial_report_phone", "initial", "street", False), ("initial_report_written", "initial", "district", True)]
    assert body["reports"][1]["due_at"].startswith("2026-05-12T07:00")
    assert body["reports"][1]["sent_at"].startswith("2026-05-12T07:05")
    assert (body["counts"]["people_moved_first"], body["counts"]["people_rescued_first"],
            body["counts"]["people_evacuated"]) == (18, 2, 0)
    assert auditor.client.get("/incidents/INC-2099-9999/reports",
                              headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 404

    auditor.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    page = auditor.get(f"/ui/incidents/{ref}/reports")
    assert page.status_code == 200
    assert "信息报告台账" in page.text and "首报" in page.text and "迟报" in page.text and "区（县）" in page.text
    assert 'data-element="initial_report_written" class="overdue"' in page.text
    assert "先期处置转移人数</dt><dd>18</dd>" in page.text
    assert f'/ui/incidents/{ref}/reports"' in auditor.get(f"/ui/incidents/{ref}").text  # linked from the incident

    exported = auditor.get(f"/ui/incidents/{ref}/reports.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["报告", "任务", "报送对象"]
    assert [(r[0], r[2], r[6]) for r in rows[1:]] == [("首报", "街道", "0"), ("首报", "区（县）", "1")]
    assert rows[2][3] == "2026-05-12 15:00" and rows[2][4] == "2026-05-12 15:05"  # Asia/Shanghai
