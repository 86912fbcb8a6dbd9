"""Auditors, health, metrics and the timer worker inside the app."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from engine.clock import ManualClock
from engine.db import Database
from tests.api.conftest import SETTINGS, Api


def _metric(body: str, name: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
              if line.startswith(name) and not line.startswith("#")]
    assert values, f"{name} not exported"
    return sum(values)


def test_auditors_read_everything_and_change_nothing(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    assert api.as_("duty").complete(ref, "record_report").status_code == 200
    auditor = api.as_("auditor")
    assert auditor.get(f"/incidents/{ref}").status_code == 200
    assert auditor.get(f"/incidents/{ref}/timeline").status_code == 200
    assert auditor.get(f"/incidents/{ref}/decisions").status_code == 200
    page = auditor.get(f"/audit/events?incident={ref}&limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"] is not None
    rest = auditor.get(f"/audit/events?incident={ref}&cursor={page['next_cursor']}").json()["items"]
    assert page["items"][0]["id"] not in [e["id"] for e in rest]
    actions = [e["action"] for e in auditor.get("/audit/events?action=seat_granted").json()["items"]]
    assert actions and set(actions) == {"seat_granted"}
    assert auditor.get("/audit/events?actor=duty").json()["items"][0]["actor"] == "duty"
    exported = auditor.get("/audit/export").text.splitlines()
    assert len(exported) == auditor.get("/audit/verify").json()["events"]
    assert json.loads(exported[0])["seq"] == 1

    task_id = auditor.task_of(ref, "report_to_district")["id"]
    for url, body in ((f"/tasks/{task_id}/claim", None), (f"/incidents/{ref}/messages", {"name": "x"}),
                      (f"/incidents/{ref}/end", {"reason": "r"}), ("/incidents", {})):
        response = auditor.post(url, body)
        if response.status_code != 422:  # body validation comes first for an empty start
            assert response.status_code == 403, url
            assert "auditors" in response.json()["error"]["message"]
    assert api.as_("fire").get("/audit/events").status_code == 403
    assert api.as_("fire").get("/audit/export").status_code == 403


def test_verify_names_the_first_broken_event(api: Api, deployed: None, db: Database) -> None:
    api.as_("duty").start()
    if db.dialect == "postgresql":  # the append-only trigger must be bypassed to tamper
        with db.engine.begin() as conn:
            conn.execute(text("SET session_replication_role = replica"))
            conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 2"))
    else:
        with db.engine.begin() as conn:
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                         "AND tbl_name = 'audit_events'")).all()
            for name, _ in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 2"))
            for _, sql in triggers:
                conn.execute(text(sql))
    result = api.as_("auditor").get("/audit/verify").json()
    assert result["ok"] is False and result["first_break"]["event_id"] == 2
    assert "altered" in result["first_break"]["reason"]


def test_healthz_and_metrics(api: Api, deployed: None, clock: ManualClock) -> None:
    health = api.client.get("/healthz")
    assert health.status_code == 200 and health.json() == {
        "status": "ok", "database": True, "migrations_current": True}

    duty, commander = api.as_("duty"), api.as_("commander")
    ref = duty.start()["reference"]
    for element, user in (("record_report", duty), ("report_to_district", duty), ("activate_response", commander)):
        assert user.complete(ref, element).status_code == 200
    assert duty.post("/tasks/00000000-0000-0000-0000-000000000000/complete", {"data": {}}).status_code == 404

    body = api.client.get("/metrics").text
    assert _metric(body, "renxing_open_tasks") == 2  # fire_rescue and medical_care
    assert _metric(body, "renxing_overdue_tasks") == 0
    assert _metric(body, "renxing_timer_lag_seconds") == 0
    assert 'route="/tasks/{task_id}/complete",status="200"' in body
    assert _metric(body, 'renxing_commands_total{route="/tasks/{task_id}/complete",status="200"}') == 3
    assert 'renxing_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"' in body

    clock.advance(timedelta(minutes=40))  # the fire deadline (30 min) passed 10 minutes ago, unswept
    body = api.client.get("/metrics").text
    assert _metric(body, "renxing_overdue_tasks") == 1
    assert _metric(body, "renxing_timer_lag_seconds") == 600


def test_conflicts_are_counted(api: Api, deployed: None) -> None:
    duty = api.as_("duty")
    ref = duty.start()["reference"]
    task_id = duty.task_of(ref, "record_report")["id"]
    assert duty.complete(ref, "record_report").status_code == 200
    from tests.scenario import ANSWERS

    assert duty.post(f"/tasks/{task_id}/complete", {"data": ANSWERS["record_report"]}).status_code == 409
    body = api.client.get("/metrics").text
    assert _metric(body, 'renxing_conflicts_total{route="/tasks/{task_id}/complete"}') == 1
    assert 'route="<unmatched>"' not in body
    api.client.get("/no/such/path")
    assert 'route="<unmatched>"' in api.client.get("/metrics").text


def test_the_app_runs_the_timer_worker_while_it_lives(db: Database, clock: ManualClock) -> None:
    from tests.api.conftest import make_users

    make_users(db)
    app = create_app(db, start_worker=True, settings=SETTINGS.model_copy(update={"worker_interval_seconds": 0.05}))
    with TestClient(app) as client:
        api = Api(client)
        from engine.definitions.bundled import deploy_bundled
        from tests.scenario import ADMIN

        with db.transaction() as session:
            deploy_bundled(session=session, actor=ADMIN)
        duty, commander = api.as_("duty"), api.as_("commander")
        ref = duty.start()["reference"]
        for element, user in (("record_report", duty), ("report_to_district", duty),
                              ("activate_response", commander)):
            assert user.complete(ref, element).status_code == 200
        worker = app.state.worker
        assert worker.alive
        clock.advance(timedelta(minutes=31))
        api.tokens.clear()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the worker polls every 50 ms on its own thread
            inbox = api.as_("commander").get("/tasks/inbox").json()
            if [t["task_spec"] for t in inbox] == ["escalate_fire_delay"]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the timer worker did not escalate the late fire task")
    assert not worker.alive
