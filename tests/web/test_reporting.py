"""接报 through TestClient on both databases: the duty officer's first report starts an incident
through the command door (audited with what was reported), errors are tied to their fields with
the typed input kept, and only those who may start incidents get the form."""

from __future__ import annotations

import re
from typing import Any

from engine import audit, incidents
from engine.db import Database
from tests.web.test_pages import _complete as complete

REPORT = {"title": "燃气泄漏 Gas leak", "category": "accident_disaster", "unit": "Hehua Compound",
          "location": "Building 3", "occurred_at": "", "deaths": "0", "injured": "2", "trapped": "1",
          "missing": "", "on_scene": "grid worker Zhang", "description": ""}


def _report(person: Any, **changes: str) -> Any:
    page = person.get("/ui/report").text
    when = re.search(r'name="occurred_at" type="datetime-local" value="([^"]+)"', page)
    assert when, "the form proposes the current local time"
    return person.post("/ui/report", {**REPORT, "occurred_at": when.group(1), **changes}, page="/ui/report")


def test_a_duty_officer_reports_and_sees_what_follows(browser: Any, db: Database) -> None:
    duty = browser("duty")
    assert 'href="/ui/report"' in duty.get("/ui/tasks").text
    response = _report(duty)
    assert response.status_code == 303, response.text
    ref = response.headers["location"].rsplit("/", 1)[1]
    done = duty.get(response.headers["location"])
    assert ref in done.text and 'id="first-deadline"' in done.text and 'id="next-tasks"' in done.text
    with db.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
        started = next(e for e in audit.events(session=session, incident_id=incident.id)
                       if e.action == "incident_started")
    assert (incident.title, incident.category, incident.unit, incident.created_by) == (
        "燃气泄漏 Gas leak", "accident_disaster", "Hehua Compound", "duty")
    first = started.payload["data"]["first_report"]
    assert (first["injured"], first["trapped"], first["missing"], first["channel"]) == (2, 1, 0, "web")
    assert first["occurred_at"].endswith("+00:00") and first["location"] == "Building 3"


def test_the_page_after_a_report_shows_the_soonest_deadline(browser: Any, db: Database) -> None:
    duty = browser("duty")
    where = _report(duty).headers["location"]
    ref = where.rsplit("/", 1)[1]
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        complete(db, ref, element, who)
    duty.post("/ui/language", {"language": "zh", "next": where})
    card = duty.get(where).text.split('id="first-deadline"')[1].split("</section>")[0]
    assert re.search(r"<time datetime=\"[^\"]+Z\">", card) and "还剩 30 分钟" in card, card


def test_errors_name_their_fields_and_keep_the_input(browser: Any, db: Database) -> None:
    duty = browser("duty")
    response = _report(duty, title="", injured="many", occurred_at="2999-01-01T00:00")
    assert response.status_code == 422
    page = response.text
    for name in ("title", "injured", "occurred_at"):
        assert re.search(rf'id="r-{name}"[^>]*aria-invalid="true"', page), name
        assert f'aria-describedby="r-{name}-error"' in page or f'r-{name}-help r-{name}-error' in page
        assert f'id="r-{name}-error"' in page
    assert 'value="Building 3"' in page and "grid worker Zhang" in page and 'value="many"' in page
    assert 'aria-invalid="true"' not in page.split('id="r-location"')[1].split(">")[0]
    with db.read() as session:
        assert not incidents.list_incidents(session=session, filters=incidents.IncidentFilter(), limit=5)


def test_only_those_who_may_start_incidents_report(browser: Any) -> None:
    grid = browser("grid")
    assert 'href="/ui/report"' not in grid.get("/ui/tasks").text
    assert "Only duty officers and commanders" in grid.get("/ui/report").text
    refused = grid.post("/ui/report", dict(REPORT, occurred_at="2026-01-01T00:00"), page="/ui/report")
    assert refused.status_code == 403
    auditor = browser("auditor")
    assert auditor.post("/ui/report", dict(REPORT, occurred_at="2026-01-01T00:00"),
                        page="/ui/report").status_code == 403
