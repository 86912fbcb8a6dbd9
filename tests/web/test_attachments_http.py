"""Attachments over HTTP: the API (upload, list, download checked against the hash) and the task
page's upload form, the photo shown, its hash in the incident's timeline and in the report."""

from __future__ import annotations

import hashlib
import html
from typing import Any

from fastapi.testclient import TestClient

from engine.db import Database
from tests.api.conftest import Api
from tests.web.test_pages import _complete, _task_id

JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF" + b"\x00" * 200


def test_the_api_uploads_lists_and_downloads(web_app: Any, db: Database, incident: str) -> None:
    task_id = _task_id(db, incident, "record_report")
    with TestClient(web_app) as client:
        duty = Api(client).as_("duty")
        made = duty.post(f"/tasks/{task_id}/attachments", files={"file": ("scene.jpg", JPEG, "image/jpeg")},
                         data={"kind": "scene", "note": "north gate"})
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["content_type"], body["size"], body["sha256"]) == (
            "image/jpeg", len(JPEG), hashlib.sha256(JPEG).hexdigest())
        [listed] = duty.get(f"/incidents/{incident}/attachments").json()
        assert listed["id"] == body["id"] and listed["note"] == "north gate"
        download = duty.get(body["url"])
        assert download.content == JPEG and download.headers["content-type"] == "image/jpeg"
        assert "attachment" in download.headers["content-disposition"]
        wrong = duty.post(f"/tasks/{task_id}/attachments", files={"file": ("evil.jpg", b"MZ\x90\x00", "image/jpeg")})
        assert wrong.status_code == 422 and "file" in wrong.json()["error"]["fields"]
        refused = Api(client).as_("fire").post(f"/tasks/{task_id}/attachments", files={"file": ("a.jpg", JPEG)})
        assert refused.status_code == 403
        assert Api(client).as_("fire").get(body["url"]).status_code == 403  # not their task
        auditor = Api(client).as_("auditor")
        assert auditor.get(body["url"]).content == JPEG


def test_the_task_page_uploads_shows_and_the_trail_keeps_the_hash(browser: Any, db: Database,
                                                                   incident: str) -> None:
    task_id = _task_id(db, incident, "record_report")
    duty = browser("duty")
    page = duty.get(f"/ui/tasks/{task_id}").text
    assert 'id="attach-form"' in page and 'enctype="multipart/form-data"' in page
    token = duty.csrf(f"/ui/tasks/{task_id}")
    refused = duty.client.post(f"/ui/tasks/{task_id}/attachments", data={"csrf_token": token, "kind": "scene"},
                               files={"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert refused.status_code == 422 and 'id="attach-file-error"' in refused.text
    sent = duty.client.post(f"/ui/tasks/{task_id}/attachments", data={"csrf_token": token, "kind": "damage"},
                            files={"file": ("损毁.jpg", JPEG, "image/jpeg")})
    assert sent.status_code == 303
    shown = duty.get(sent.headers["location"]).text
    digest = hashlib.sha256(JPEG).hexdigest()
    assert "损毁.jpg" in shown and f"SHA-256 {digest}" in shown and '<img src="/ui/attachments/' in shown
    for element, who in (("record_report", "duty"), ("report_to_district", "duty")):
        _complete(db, incident, element, who)
    commander = browser("commander")
    timeline = html.unescape(commander.get(f"/ui/incidents/{incident}").text)
    assert f"Attached '损毁.jpg' to 'Record the incident report' (SHA-256 {digest})" in timeline
    report = commander.get(f"/ui/incidents/{incident}/report").text
    assert 'id="report-attachments"' in report and digest in report
