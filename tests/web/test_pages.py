"""The pages through TestClient, on SQLite and PostgreSQL: each role, 403 pages, CSRF, escaping,
both languages, and the same audit events as the API twins (the pages call the same services)."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from engine import audit, definitions, incidents, seats, tasks
from engine.db import Database
from engine.learning import decisions
from engine.models import User
from engine.seats import auth
from tests.scenario import ADMIN, ANSWERS
from tests.web.conftest import LEVEL_DRILL, Browser


def _task_id(db: Database, ref: str, element: str) -> str:
    with db.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        return next(t.id for t in tasks.open_tasks(session=session, incident_id=incident_id) if t.task_spec == element)


def _events(db: Database, ref: str, action: str) -> list[Any]:
    with db.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        return [e for e in audit.events(session=session, incident_id=incident_id) if e.action == action]


def _complete(db: Database, ref: str, element: str, username: str) -> None:
    with db.transaction() as session:
        actor = seats.actor_for(seats.get_user(session=session, username=username))
        tasks.complete(session=session, actor=actor, task_id=_task_id(db, ref, element), data=ANSWERS[element])


def test_pages_need_a_signed_in_user(browser: Any) -> None:
    anonymous = browser()
    response = anonymous.get("/ui/tasks")
    assert response.status_code == 303 and response.headers["location"] == "/ui/login?next=/ui/tasks"
    assert anonymous.get("/ui/login").status_code == 200


def test_session_cookie_is_httponly_lax_and_secure_over_https(browser: Any, web_app: Any) -> None:
    person = browser()
    response = person.sign_in("duty")
    cookie = response.headers["set-cookie"].lower()
    assert "renxing_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    secure = Browser(web_app)
    secure.client.base_url = secure.client.base_url.copy_with(scheme="https")
    with secure.client:
        assert "secure" in secure.sign_in("duty").headers["set-cookie"].lower()


def test_sign_in_uses_the_api_password_check_and_lockout(browser: Any) -> None:
    person = browser()
    wrong = person.client.post("/ui/login", data={"username": "duty", "password": "nope-nope",
                                                  "csrf_token": person.csrf()})
    assert wrong.status_code == 401 and "Incorrect username or password." in wrong.text
    for _ in range(auth.LOCK_AFTER - 1):
        person.client.post("/ui/login", data={"username": "duty", "password": "nope-nope",
                                              "csrf_token": person.csrf()})
    locked = person.sign_in("duty")
    assert locked.status_code == 429 and "locked" in locked.text


def test_csrf_is_refused_without_or_with_a_wrong_token(browser: Any, db: Database, incident: str) -> None:
    person = browser()
    assert person.client.post("/ui/login", data={"username": "duty", "password": "x" * 9}).status_code == 403
    person = browser("duty")
    task_id = _task_id(db, incident, "record_report")
    refused = person.client.post(f"/ui/tasks/{task_id}/claim")
    assert refused.status_code == 403 and "expired or did not come from this site" in refused.text
    assert person.post(f"/ui/tasks/{task_id}/claim", token="forged").status_code == 403
    assert _events(db, incident, "task_claimed") == []
    stranger = browser("fire")  # a token from another session is refused too
    assert person.post(f"/ui/tasks/{task_id}/claim", token=stranger.csrf("/ui/tasks")).status_code == 403


def test_staff_inbox_form_errors_and_completion(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    inbox = duty.get("/ui/tasks").text
    assert incident in inbox and "Record the incident report" in inbox and "Gas explosion" in inbox
    task_id = _task_id(db, incident, "record_report")
    form = duty.get(f"/ui/tasks/{task_id}").text
    assert '<option value="accident_disaster">Accident or disaster</option>' in form
    assert re.search(r'id="f-deaths"[^>]*type="number"[^>]*step="1"[^>]*min="0"[^>]*max="100000"', form)
    assert re.search(r'<textarea id="f-description"[^>]*maxlength="2000"', form)
    bad = duty.post(f"/ui/tasks/{task_id}", {"deaths": "-5", "economic_loss": "lots", "category": "public_health"},
                    page=f"/ui/tasks/{task_id}")
    assert bad.status_code == 422
    assert "must be at least 0" in bad.text and "must be a number" in bad.text and "this field is required" in bad.text
    assert 'value="-5"' in bad.text and 'value="lots"' in bad.text
    assert '<option value="public_health" selected>' in bad.text
    good = duty.post(f"/ui/tasks/{task_id}", {k: str(v) for k, v in ANSWERS["record_report"].items()},
                     page=f"/ui/tasks/{task_id}")
    assert good.status_code == 303 and good.headers["location"] == "/ui/tasks?done=task_completed"
    [event] = _events(db, incident, "task_completed")
    assert event.actor == "duty" and event.payload["data"] == ANSWERS["record_report"]
    assert event.payload["task"] == "record_report" and event.payload["role"] == "duty_officer"


def test_claim_and_release_leave_their_audit_events(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    task_id = _task_id(db, incident, "record_report")
    assert duty.post(f"/ui/tasks/{task_id}/claim").status_code == 303
    assert "claimed by you" in duty.get("/ui/tasks").text
    assert duty.post(f"/ui/tasks/{task_id}/release").status_code == 303
    assert [e.payload["task_id"] for e in _events(db, incident, "task_claimed")] == [task_id]
    assert [e.payload["task_id"] for e in _events(db, incident, "task_released")] == [task_id]


def test_pages_a_user_may_not_see_are_403_pages(browser: Any, db: Database, incident: str) -> None:
    task_id = _task_id(db, incident, "record_report")
    fire = browser("fire")
    for url in (f"/ui/tasks/{task_id}", f"/ui/incidents/{incident}/audit", f"/ui/incidents/{incident}/report",
                f"/ui/incidents/{incident}/audit.jsonl", "/ui/definitions/deploy"):
        response = fire.get(url)
        assert response.status_code == 403, url
        assert response.headers["content-type"].startswith("text/html") and "Not allowed" in response.text
    refused = fire.post(f"/ui/incidents/{incident}/decisions", {"situation": "s", "choice": "c", "rationale": "r",
                                                               "authority_basis": "a", "urgency": "urgent"})
    assert refused.status_code == 403 and "commander" in refused.text
    auditor = browser("auditor")
    assert auditor.post(f"/ui/tasks/{task_id}/claim").status_code == 403
    assert "change nothing" in auditor.post(f"/ui/tasks/{task_id}/claim").text
    assert browser("duty").get("/ui/tasks/no-such-task").status_code == 404


def test_engine_messages_read_in_chinese_through_their_codes(browser: Any, db: Database, incident: str) -> None:
    task_id = _task_id(db, incident, "record_report")
    fire, auditor = browser("fire"), browser("auditor")
    for person in (fire, auditor):
        person.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    refused = fire.get(f"/ui/tasks/{task_id}")
    assert refused.status_code == 403 and "属于席位 值守人员，您未担任该席位" in refused.text
    assert "审计人员只读，不能进行任何更改" in auditor.post(f"/ui/tasks/{task_id}/claim").text
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, incident, element, who)
    commander = browser("commander")
    commander.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    empty = commander.post(f"/ui/incidents/{incident}/decisions", {"urgency": "soon-ish"})
    assert empty.status_code == 422 and "此项必填" in empty.text and "必须是以下之一：立即、紧急、常规" in empty.text
    commander.post(f"/ui/incidents/{incident}/decisions", {
        "situation": "s", "choice": "c", "rationale": "r", "authority_basis": "a", "urgency": "urgent",
        "departs_from_plan": "true"})
    page = commander.get(f"/ui/incidents/{incident}").text
    assert "已提交容错审查：偏离预案" in page and "决策 #1 提交容错审查：偏离预案" in page  # the flag, its event


def test_incident_page_escapes_what_people_typed(browser: Any, db: Database) -> None:
    with db.transaction() as session:
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        ref = incidents.start(session=session, actor=duty, process_id="community_incident",
                              title='<script>alert("x")</script>', category="accident_disaster",
                              unit="<b>Grid 3</b>", exercise=True).reference
    commander = browser("commander")
    for url in (f"/ui/incidents/{ref}", "/ui/incidents", "/ui/tasks", f"/ui/incidents/{ref}/report"):
        page = commander.get(url).text if url != "/ui/tasks" else browser("duty").get(url).text
        assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, url
    page = commander.get(f"/ui/incidents/{ref}").text
    assert "&lt;b&gt;Grid 3&lt;/b&gt;" in page and "EXERCISE 演练" in page


def test_incident_page_draws_the_model_with_states(browser: Any, db: Database, incident: str) -> None:
    _complete(db, incident, "record_report", "duty")
    page = browser("medical").get(f"/ui/incidents/{incident}").text
    assert '<li class="current" aria-current="step">Response</li>' in page
    assert 'data-element="record_report" data-state="done"' in page
    assert 'data-element="report_to_district" data-state="ready"' in page
    assert 'data-element="after_action_review" data-state="idle"' in page
    canvas = re.search(r'<div class="bpmn-canvas"[^>]*>', page)
    assert canvas and 'data-bpmn="&lt;?xml' in canvas[0] and '"record_report": "done"' in canvas[0]
    assert '["record_report", "grade_incident"]' in canvas[0]  # the flow taken
    assert "II serious" in page and "Report to the district" in page
    assert "visible to the incident&#39;s commander" in page  # staff do not read the timeline
    assert 'id="actions"' not in page  # nor get commander actions


def test_commander_actions(browser: Any, db: Database, incident: str) -> None:
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, incident, element, who)
    commander = browser("commander")
    page = commander.get(f"/ui/incidents/{incident}").text
    assert 'id="decision-form"' in page and 'id="seat-form"' in page
    assert 'id="level-form"' not in page  # community_incident never waits for change_level
    assert 'id="response-over-form"' not in page  # not before fire and medical are done
    empty = commander.post(f"/ui/incidents/{incident}/decisions", {"urgency": "urgent"})
    assert empty.status_code == 422 and empty.text.count('class="error"') >= 4
    made = commander.post(f"/ui/incidents/{incident}/decisions", {
        "situation": "Fire lane blocked", "options": "Wait\nTow now", "choice": "Tow the cars now",
        "rationale": "Residents trapped", "authority_basis": "Level II", "urgency": "immediate",
        "departs_from_plan": "true"})
    assert made.status_code == 303
    with db.read() as session:
        [decision] = decisions.list_for(session=session, incident_id=incidents.resolve(session=session,
                                                                                          ref=incident).id)
        assert decision.options_considered == ["Wait", "Tow now"] and decision.flag is not None
    seated = commander.post(f"/ui/incidents/{incident}/seats", {"username": "outsider", "role": "logistics"})
    assert seated.status_code == 303
    assert [e.payload for e in _events(db, incident, "seat_granted")] == [{"username": "outsider",
                                                                            "role": "logistics"}]
    assert commander.post(f"/ui/incidents/{incident}/seats", {"username": "ghost", "role": "logistics"}
                          ).status_code == 422
    _complete(db, incident, "medical_care", "medical")
    _complete(db, incident, "fire_rescue", "fire")
    page = commander.get(f"/ui/incidents/{incident}").text
    assert 'id="response-over-form"' in page
    asked = commander.post(f"/ui/incidents/{incident}/response-over")  # first the confirmation
    assert asked.status_code == 200 and 'id="confirm-end"' in asked.text
    assert "No open task will be cancelled" in asked.text
    assert _events(db, incident, "message_received") == []
    assert commander.post(f"/ui/incidents/{incident}/response-over", {"confirm": "yes"}).status_code == 303
    [event] = _events(db, incident, "message_received")
    assert event.payload == {"name": "response_over", "payload": {"declared_by": "commander"}}
    assert "Recovery" in commander.get(f"/ui/incidents/{incident}").text


def test_both_languages_and_the_choice_is_remembered(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    switched = duty.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    assert switched.status_code == 303 and "renxing_lang=zh" in switched.headers["set-cookie"]
    with db.read() as session:
        assert session.scalar(select(User.language).where(User.username == "duty")) == "zh"
    inbox = duty.get("/ui/tasks").text
    assert "我的任务" in inbox and '<html lang="zh-CN">' in inbox
    task_id = _task_id(db, incident, "record_report")
    form = duty.get(f"/ui/tasks/{task_id}").text
    assert "事件信息报告" in form and "死亡人数" in form and ">事故灾难</option>" in form
    bad = duty.post(f"/ui/tasks/{task_id}", {"deaths": "-1"}, page=f"/ui/tasks/{task_id}")
    assert "不能小于 0" in bad.text and "此项必填" in bad.text
    again = browser("duty")  # a new browser: the stored language comes back at sign-in
    assert "我的任务" in again.get("/ui/tasks").text
    assert len(_events(db, incident, "language_changed")) == 0  # a user setting, on the global chain
    english = browser()
    assert "My tasks" not in english.get("/ui/login").text and "Sign in" in english.get("/ui/login").text


def test_auditor_view_export_and_report(browser: Any, db: Database, incident: str) -> None:
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, incident, element, who)
    with db.transaction() as session:
        commander = seats.actor_for(seats.get_user(session=session, username="commander"))
        decisions.record(session=session, actor=commander, incident_id=incidents.resolve(
            session=session, ref=incident).id, situation="Smoke", choice="Evacuate", rationale="Safety",
            authority_basis="Level II", departs_from_plan=True)
    auditor = browser("auditor")
    view = auditor.get(f"/ui/incidents/{incident}/audit").text
    assert "Intact" in view and "Evacuate" in view and "departs from the plan" in view and "awaiting review" in view
    export = auditor.get(f"/ui/incidents/{incident}/audit.jsonl")
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert export.headers["content-type"].startswith("application/x-ndjson")
    assert rows[0]["action"] == "incident_started" and {"hash", "prev_hash", "seq"} <= set(rows[0])
    report = auditor.get(f"/ui/incidents/{incident}/report").text
    assert "Activity log (ICS-214)" in report and "Completed &#39;Record the incident report&#39;" in report
    assert "@media print" in auditor.get("/ui/static/renxing.css").text
    assert browser("commander").get(f"/ui/incidents/{incident}/report").status_code == 200


def test_dashboard_draws_charts(browser: Any, incident: str) -> None:
    page = browser("duty").get("/ui/dashboard").text
    assert '<svg class="chart" id="chart-level"' in page and 'class="bar bar-' in page


def test_definitions_and_deploy(browser: Any) -> None:
    staff = browser("duty")
    listing = staff.get("/ui/definitions").text
    assert "community_incident" in listing and 'id="deploy-link"' not in listing
    shown = staff.get("/ui/definitions/community_incident/1").text
    assert 'class="bpmn-canvas"' in shown and "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in shown
    assert 'data-element="record_report" data-state="idle"' in shown
    admin = browser("admin")
    broken = b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">' \
             b'<bpmn:process id="p" isExecutable="true"><bpmn:userTask id="t"/></bpmn:process></bpmn:definitions>'
    token = admin.csrf("/ui/definitions/deploy")
    refused = admin.client.post("/ui/definitions/deploy", data={"csrf_token": token},
                                files=[("files", ("broken.bpmn", broken, "application/xml"))])
    assert refused.status_code == 422 and 'id="problems"' in refused.text and "broken.bpmn" in refused.text
    assert admin.client.post("/ui/definitions/deploy", files=[("files", ("x.bpmn", broken, "application/xml"))]
                             ).status_code == 403  # no CSRF token


def test_commander_changes_the_level_when_the_model_waits_for_it(browser: Any, db: Database) -> None:
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files={"level_drill.bpmn": LEVEL_DRILL.read_bytes()})
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        ref = incidents.start(session=session, actor=duty, process_id="level_drill", title="Drill",
                              category="natural_disaster", unit="Grid 3").reference
    commander = browser("commander")
    page = commander.get(f"/ui/incidents/{ref}").text
    assert 'id="level-form"' in page and 'data-element="wait_change_level" data-state="waiting"' in page
    assert 'id="level-form"' not in browser("fire").get(f"/ui/incidents/{ref}").text
    missing = commander.post(f"/ui/incidents/{ref}/level", {"level": "V"})
    assert missing.status_code == 422 and "must be one of: I particularly serious, II serious" in missing.text
    assert "this field is required" in missing.text
    assert commander.post(f"/ui/incidents/{ref}/level", {"level": "I", "reason": "River rising"}).status_code == 303
    [message] = _events(db, ref, "message_received")
    assert message.payload == {"name": "change_level", "payload": {"level": "I", "reason": "River rising"}}
    [change] = _events(db, ref, "response_level_changed")
    assert change.payload == {"from": None, "to": "I"}
    assert "I particularly serious" in commander.get(f"/ui/incidents/{ref}").text


def test_incident_list_filters(browser: Any, db: Database, incident: str) -> None:
    with db.transaction() as session:
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        drill = incidents.start(session=session, actor=duty, process_id="community_incident", title="Drill",
                                category="natural_disaster", unit="Grid 9", exercise=True).reference
    person = browser("fire")
    assert drill in person.get("/ui/incidents?exercise=1").text
    assert incident not in person.get("/ui/incidents?exercise=1").text
    assert drill not in person.get("/ui/incidents?unit=Hehua+Compound").text
    assert incident in person.get("/ui/incidents?phase=response&status=active&level=").text
    assert "No incidents match." in person.get("/ui/incidents?level=I").text
    assert person.get("/ui/incidents?level=<x>&after=abc").status_code == 400


def test_install_is_idempotent(web_app: Any) -> None:
    from api.pages import install

    before = len(web_app.routes)
    install(web_app)
    assert len(web_app.routes) == before
