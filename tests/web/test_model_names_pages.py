"""The model's Chinese names (`name_zh`) where people read them: task titles in the inbox, on the
task page and in the API, the timeline's tasks, timers and messages, the diagram's element list."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from engine import incidents, seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from tests.scenario import ANSWERS


def _task_id(db: Database, ref: str, element: str) -> str:
    with db.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        return next(t.id for t in tasks.open_tasks(session=session, incident_id=incident_id) if t.task_spec == element)


def _complete(db: Database, ref: str, element: str, username: str) -> None:
    with db.transaction() as session:
        actor = seats.actor_for(seats.get_user(session=session, username=username))
        tasks.complete(session=session, actor=actor, task_id=_task_id(db, ref, element), data=ANSWERS[element])


def test_task_titles_in_the_readers_language(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    assert "Record the incident report" in duty.get("/ui/tasks").text
    duty.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    inbox = duty.get("/ui/tasks").text
    assert "登记事件首报" in inbox and "Record the incident report" not in inbox
    task_id = _task_id(db, incident, "record_report")
    assert "<h1>登记事件首报</h1>" in duty.get(f"/ui/tasks/{task_id}").text


def test_timeline_and_diagram_name_tasks_timers_and_messages_in_chinese(
        browser: Any, db: Database, incident: str, clock: ManualClock) -> None:
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander"), ("medical_care", "medical")):
        _complete(db, incident, element, who)
    clock.advance(timedelta(minutes=31))  # the fire team's 30-minute deadline passes
    assert timers.sweep(db).advanced == [incident]
    _complete(db, incident, "fire_rescue", "fire")
    _complete(db, incident, "escalate_fire_delay", "commander")
    commander = browser("commander")
    assert commander.post(f"/ui/incidents/{incident}/response-over", {"confirm": "yes"}).status_code == 303
    english = commander.get(f"/ui/incidents/{incident}").text
    assert "Message &#39;response_over&#39;" in english and "Timer fired: 30 min deadline" in english
    commander.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    page = commander.get(f"/ui/incidents/{incident}").text
    assert "收到指令“宣布响应结束”" in page
    assert "时限已到：30 分钟时限" in page
    assert "以值守人员身份完成“登记事件首报”" in page
    assert "是否为 I 级或 II 级？" in page  # a gateway's name, in the diagram's list of elements
    shown = re.sub(r'data-bpmn="[^"]*"', "", page)  # the model's XML, which bpmn-js localises itself
    assert "Level I or II?" not in shown and "30 min deadline" not in shown
