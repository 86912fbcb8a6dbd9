"""The incident page of a failed incident: what failed, where, the data it saw (overseers); the
commander sets the variable and retries from the page; an administrator moves an incident to a
newer version, refused naming the elements when they do not match. Both databases, both languages."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from engine import incidents, seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import RetryPolicy, timers
from tests.ops.test_failed_incidents import FIXED, deploy


def failed_incident(db: Database, clock: ManualClock) -> str:
    deploy(db)
    with db.transaction() as session:
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        incident = incidents.start(session=session, actor=duty, process_id="timer_fix", title="Follow-up watch",
                                   category="accident_disaster", unit="Hehua Compound")
        ref, incident_id = incident.reference, incident.id
    with db.transaction() as session:
        task = tasks.open_tasks(session=session, incident_id=incident_id)[0]
        tasks.complete(session=session, actor=duty, task_id=task.id, data={"verified": True})
    clock.advance(timedelta(hours=2))
    assert timers.sweep(db, policy=RetryPolicy(attempts=1)).failed == [ref]
    return ref


def text_of(response: Any) -> str:
    return html.unescape(response.text)


def test_the_commander_fixes_and_retries_a_failed_incident_from_its_page(
        browser: Any, db: Database, clock: ManualClock) -> None:
    ref = failed_incident(db, clock)
    page = f"/ui/incidents/{ref}"
    fire = text_of(browser("fire").get(page))
    assert "Stopped by a failure" in fire and "Weigh the follow-up" in fire
    assert 'id="failure-data"' not in fire and 'id="retry-form"' not in fire  # not theirs to see or do

    commander = browser("commander")
    shown = text_of(commander.get(page))
    assert "name 'threshold' is not defined" in shown and '"verified": true' in shown and 'id="retry-form"' in shown
    assert 'id="migrate-form"' not in shown  # administrators only

    bad = commander.post(f"{page}/variables", {"name": "threshold", "value": "two", "reason": "x"}, page=page)
    assert bad.status_code == 422 and 'id="v-value-error"' in bad.text
    done = commander.post(f"{page}/variables", {"name": "threshold", "value": "2", "reason": "district threshold"},
                          page=page)
    assert done.status_code == 303
    no_reason = commander.post(f"{page}/retry", {"reason": ""}, page=page)
    assert no_reason.status_code == 422 and 'id="r-reason-error"' in no_reason.text
    retried = commander.post(f"{page}/retry", {"reason": "threshold set"}, page=page)
    assert retried.status_code == 303 and retried.headers["location"].endswith("done=retried#failure")
    after = text_of(commander.get(retried.headers["location"]))
    assert "Retried: the incident runs again." in after
    assert "Stopped by a failure" not in after and "Follow-up report" in after

    commander.post("/ui/language", {"language": "zh", "next": page})
    assert "变量 threshold 设为 2：district threshold" in text_of(commander.get(page))  # its timeline, in Chinese


def test_an_admin_moves_an_incident_from_its_page(browser: Any, db: Database, clock: ManualClock) -> None:
    ref = failed_incident(db, clock)
    page = f"/ui/incidents/{ref}"
    deploy(db, ("follow_up_due", "follow_up_timer"))  # version 2 lacks the timer it waits on
    deploy(db, *FIXED)  # version 3 fixes the step
    admin = browser("admin")
    assert 'id="migrate-form"' in admin.get(page).text
    refused = admin.post(f"{page}/migrate", {"to_version": "2"}, page=page)
    assert refused.status_code == 422 and "no counterpart there: follow_up_due" in text_of(refused)
    admin.post("/ui/language", {"language": "zh", "next": page})
    refused_zh = admin.post(f"{page}/migrate", {"to_version": "2"}, page=page)
    assert "以下环节在该版本中没有对应：follow_up_due" in text_of(refused_zh)
    moved = admin.post(f"{page}/migrate", {"to_version": "3"}, page=page)
    assert moved.status_code == 303 and moved.headers["location"].endswith("done=migrated#failure")
    retried = admin.post(f"{page}/retry", {"reason": "version 3"}, page=page)
    assert retried.headers["location"].endswith("done=retried#failure")
    assert "Call the street" in text_of(admin.get(page))  # version 3's new task is open
