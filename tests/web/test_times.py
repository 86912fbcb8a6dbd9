"""Local times on the pages: the deployment's zone (Asia/Shanghai unless configured), a person's own
zone set from the pages or the API, and deadlines relative to now; the API stays UTC."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from api.app import create_app
from api.pages import install
from engine.clock import ManualClock
from engine.config import Settings
from engine.db import Database
from engine.models import AuditEvent
from tests.api.conftest import SETTINGS, Api
from tests.web.conftest import Browser
from tests.web.test_pages import _complete


def _fire_task_due(db: Database, incident: str) -> None:
    """fire_rescue opens with a 30-minute deadline: 06:30 UTC, 14:30 in Shanghai (START is 06:00 UTC)."""
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, incident, element, who)


def test_times_in_the_deployment_zone_with_deadlines_relative_to_now(
        browser: Any, db: Database, clock: ManualClock, incident: str) -> None:
    _fire_task_due(db, incident)
    fire = browser("fire")
    inbox = fire.get("/ui/tasks").text
    assert "2026-05-12 14:30" in inbox and "30 min left" in inbox and "UTC" not in inbox
    assert '<time datetime="2026-05-12T06:30:00Z">' in inbox
    clock.advance(timedelta(minutes=17, seconds=30))
    fire.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    assert "还剩 13 分钟" in fire.get("/ui/tasks").text  # rounded up: 12.5 minutes are left
    clock.advance(timedelta(minutes=18))
    page = fire.get(f"/ui/incidents/{incident}").text
    assert '<span class="relative late">已超时 5 分钟</span>' in page
    clock.advance(timedelta(hours=3))
    assert "已超时 3 小时 5 分钟" in fire.get("/ui/tasks").text
    clock.advance(timedelta(days=3))
    assert fire.sign_in("fire").status_code == 303  # the session lasted 12 hours
    assert "已超时 3 天" in fire.get("/ui/tasks").text


def test_a_person_sets_their_zone_on_the_settings_page(browser: Any, db: Database, incident: str) -> None:
    _fire_task_due(db, incident)
    fire = browser("fire")
    settings = fire.get("/ui/me").text
    assert 'id="time_zone"' in settings and "The office&#39;s (Asia/Shanghai)" in settings
    refused = fire.post("/ui/me", {"language": "en", "time_zone": "Mars/Olympus_Mons"}, page="/ui/me")
    assert refused.status_code == 422 and "unknown time zone" in refused.text and 'aria-invalid="true"' in refused.text
    assert "Mars/Olympus_Mons" not in refused.text.split('id="time_zone"')[1].split("</select>")[0]
    saved = fire.post("/ui/me", {"language": "zh", "time_zone": "Europe/London"}, page="/ui/me")
    assert saved.status_code == 303
    assert "设置已保存" in fire.get(saved.headers["location"]).text
    inbox = fire.get("/ui/tasks").text
    assert "2026-05-12 07:30" in inbox and "还剩 30 分钟" in inbox  # British summer time
    assert fire.post("/ui/me", {"language": "zh", "time_zone": ""}, page="/ui/me").status_code == 303
    assert "2026-05-12 14:30" in fire.get("/ui/tasks").text  # back to the office's zone
    with db.read() as session:
        changes = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "time_zone_changed")).all()
    assert [(c["from"], c["to"]) for c in changes] == [(None, "Europe/London"), ("Europe/London", None)]


def test_api_sets_the_zone_and_keeps_utc(web_app: Any, db: Database, incident: str) -> None:
    _fire_task_due(db, incident)
    with TestClient(web_app) as client:
        api = Api(client)
        fire, auditor = api.as_("fire"), api.as_("auditor")
        headers = {"Authorization": f"Bearer {api.token('fire')}"}
        assert fire.get("/me").json()["time_zone"] is None
        bad = client.patch("/me", json={"time_zone": "Nowhere/Land"}, headers=headers)
        assert bad.status_code == 422 and "time_zone" in bad.json()["error"]["fields"]
        good = client.patch("/me", json={"time_zone": "Asia/Urumqi", "language": "zh"}, headers=headers)
        assert good.status_code == 200 and good.json()["time_zone"] == "Asia/Urumqi" and good.json()["language"] == "zh"
        [task] = fire.get("/tasks/inbox").json()
        assert task["due_at"] in ("2026-05-12T06:30:00Z", "2026-05-12T06:30:00+00:00")  # the API stays UTC
        assert client.patch("/me", json={"language": "en"}, headers=headers).json()["time_zone"] == "Asia/Urumqi"
        assert client.patch("/me", json={"time_zone": None}, headers=headers).json()["time_zone"] is None
        own = client.patch("/me", json={"time_zone": "Asia/Hong_Kong"},
                           headers={"Authorization": f"Bearer {api.token('auditor')}"})
        assert own.status_code == 200 and auditor.get("/me").json()["time_zone"] == "Asia/Hong_Kong"


def test_the_deployment_zone_is_configurable(db: Database, web_app: Any, incident: str) -> None:
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Base'"):
        Settings(time_zone="Mars/Base")
    _fire_task_due(db, incident)
    app = create_app(db, settings=SETTINGS.model_copy(update={"time_zone": "Asia/Tokyo"}))
    install(app)
    person = Browser(app)
    with person.client:
        assert person.sign_in("fire").status_code == 303
        assert "2026-05-12 15:30" in person.get("/ui/tasks").text
