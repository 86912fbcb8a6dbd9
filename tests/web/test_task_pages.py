"""A task's page helps: errors tied to their fields for screen readers, the typed input kept when
the task was done meanwhile (409), and the context beside the form (the incident at a glance,
the first report it was started with, the answers given before). Both databases."""

from __future__ import annotations

import re
from typing import Any

from engine import incidents, seats, tasks
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from forms.samples import SAMPLES
from tests.scenario import ADMIN, ANSWERS
from tests.web.test_pages import _complete, _task_id
from tests.web.test_reporting import _report


def test_errors_are_tied_to_their_fields(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    task = _task_id(db, incident, "record_report")
    page = duty.post(f"/ui/tasks/{task}", {"deaths": "-1", "location": "Gate 2"}, page=f"/ui/tasks/{task}").text
    field = re.search(r'<input id="f-deaths"[^>]*>', page)
    assert field and 'aria-invalid="true"' in field[0]
    assert 'aria-describedby="f-deaths-help f-deaths-error"' in field[0]
    assert '<p class="error" id="f-deaths-error">' in page
    location = re.search(r'<input id="f-location"[^>]*>', page)
    assert location and 'value="Gate 2"' in location[0] and "aria-invalid" not in location[0]


def test_a_conflict_keeps_what_was_typed(browser: Any, db: Database, incident: str) -> None:
    first, second = browser("duty"), browser("duty")
    task = _task_id(db, incident, "record_report")
    token = second.csrf(f"/ui/tasks/{task}")  # both have the form open
    _complete(db, incident, "record_report", "duty")
    typed = {**{k: str(v) for k, v in ANSWERS["record_report"].items()}, "location": "Building 3, east gate"}
    late = second.post(f"/ui/tasks/{task}", typed, token=token)
    assert late.status_code == 409
    assert 'id="conflict"' in late.text and 'value="Building 3, east gate"' in late.text
    assert first.get(f"/ui/tasks/{task}").status_code == 200


def test_the_task_page_shows_its_context(browser: Any, db: Database) -> None:
    duty = browser("duty")
    ref = _report(duty).headers["location"].rsplit("/", 1)[1]
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, ref, element, who)
    fire = browser("fire")
    fire.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    page = fire.get(f"/ui/tasks/{_task_id(db, ref, 'fire_rescue')}").text
    context = page.split('id="task-context"')[1].split("</section>")[0]
    assert "关于此任务" in context and "commander" in context  # the commander by name
    assert "首报" in context and "Building 3" in context and "grid worker Zhang" in context
    assert "此前的填报" in context and "Hehua Compound" in context


def test_a_person_picker_says_when_nobody_holds_the_seat_and_an_admin_seats_someone(
        browser: Any, db: Database) -> None:
    with db.transaction() as session:
        deploy_bundled(session=session, actor=ADMIN)
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        ref = incidents.start(session=session, actor=duty, process_id="incident_lifecycle", title="Picker",
                              category="accident_disaster", unit="Hehua Compound").reference
    with db.transaction() as session:
        tasks.complete(session=session, actor=duty, task_id=_task_id(db, ref, "record_report"),
                       data=SAMPLES["incident_full_report"])
    task = _task_id(db, ref, "appoint_commander")
    admin = browser("admin")
    page = admin.get(f"/ui/tasks/{task}").text
    assert 'id="f-commander_username-nobody"' in page and "Community commander" in page
    assert 'id="seat-for-task-form"' in page
    assert 'id="seat-for-task-form"' not in browser("duty").get(f"/ui/tasks/{task}").text  # admins seat
    seated = admin.post(f"/ui/tasks/{task}/seat", {"username": "commander", "role": "community_commander"},
                        page=f"/ui/tasks/{task}")
    assert seated.status_code == 303
    picker = admin.get(f"/ui/tasks/{task}").text.split('id="f-commander_username"')[1].split("</select>")[0]
    assert '<optgroup label="Community commander">' in picker and '<option value="commander">' in picker
