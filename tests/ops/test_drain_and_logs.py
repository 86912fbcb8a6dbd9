"""Clean shutdown and logs an operator can follow.

A real `renxing serve`: on SIGTERM /readyz answers 503 while /healthz stays 200, a command whose
request is still arriving finishes and is answered, the workers stop, the process exits 0. Its
JSON log lines carry the request id that the command's audit events carry, and never the form
data or the password. A real `renxing worker` stops on SIGTERM with status 0.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.logs import JsonFormatter, RequestIdFilter
from engine import audit
from engine.db import Database
from engine.models import AuditEvent
from tests.api.conftest import SETTINGS
from tests.api.served import RENXING
from tests.ops.office import DUTY, PASSWORD, prepare
from tests.ops.process import environment, send_slowly, serving, until

pytestmark = pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")
SECRET_WORDS = "burst-main-at-gate-7"


def test_request_ids_tie_responses_logs_and_audit_events(database_url: str) -> None:
    references = prepare(database_url, watches=1)
    db = Database(database_url)
    app = create_app(db, settings=SETTINGS)
    with TestClient(app) as client:
        token = client.post("/auth/token", data={"username": DUTY, "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert len(client.get("/readyz").headers["X-Request-ID"]) == 32  # one is made when none is sent
        task = client.get(f"/incidents/{references[0]}", headers=auth).json()["open_tasks"][0]
        answer = client.post(f"/tasks/{task['id']}/complete", json={"data": {"verified": False, "comment": "ok"}},
                             headers=auth | {"X-Request-ID": "lb-trace-0001"})
        assert answer.status_code == 200 and answer.headers["X-Request-ID"] == "lb-trace-0001"
        assert client.get("/readyz", headers={"X-Request-ID": "bad id\twith tab"}).headers["X-Request-ID"] != "bad"
        assert client.get("/readyz").json() == {"status": "ready"}
        app.state.draining.set()
        assert client.get("/readyz").status_code == 503 and client.get("/healthz").status_code == 200
    with db.read() as session:
        written = list(session.scalars(select(AuditEvent).where(AuditEvent.request_id == "lb-trace-0001")))
        assert {e.action for e in written} >= {"task_completed"}
        assert audit.verify(session=session).ok  # the request id is hashed with the event
    db.dispose()


def test_json_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("renxing.access", logging.INFO, __file__, 1, "%s %s", ("GET", "/x"), None)
    record.status = 200
    token = audit.REQUEST_ID.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        audit.REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x" and line["request_id"] == "req-12345678" and line["status"] == 200


@pytest.mark.slow
def test_sigterm_drains_finishes_in_flight_commands_and_exits_0(database_url: str) -> None:
    references = prepare(database_url, watches=1)
    env = environment(RENXING_LOG_FORMAT="json", RENXING_DRAIN_SECONDS="3", RENXING_SHUTDOWN_GRACE_SECONDS="20",
                      RENXING_WORKER_INTERVAL_SECONDS="0.2")
    with serving(database_url, env=env) as server:
        token = server.login(DUTY, PASSWORD)
        task = server.get(f"/incidents/{references[0]}", token)[1]["open_tasks"][0]
        body = json.dumps({"data": {"verified": False, "comment": SECRET_WORDS}}).encode()
        sock = send_slowly(server.port, f"/tasks/{task['id']}/complete", body, token)
        assert server.get("/readyz")[0] == 200
        server.served.process.send_signal(signal.SIGTERM)
        until(lambda: server.get("/readyz") == (503, {"status": "draining"}), message="/readyz 503 while draining")
        assert server.get("/healthz")[0] == 200  # liveness: the process is fine, only leaving
        sock.sendall(body[-1:])  # the in-flight command's last byte arrives during the drain
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sock.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        code = server.served.process.wait(timeout=60)
    output = server.served.output()
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    completion = [line for line in lines if line.get("request_id") == "drain-test-0001"]
    assert completion and completion[-1]["status"] == 200 and completion[-1]["path"].endswith("/complete")
    assert any("draining" in line["message"] for line in lines)
    assert any(line["message"] == "timer-worker stopped" for line in lines), output
    assert [line for line in output.splitlines() if SECRET_WORDS in line or PASSWORD in line] == []
    db = Database(database_url)
    with db.read() as session:
        done = list(session.scalars(select(AuditEvent).where(AuditEvent.request_id == "drain-test-0001")))
        assert [e.action for e in done if e.action == "task_completed"] == ["task_completed"]
    db.dispose()


@pytest.mark.slow
def test_the_worker_stops_on_sigterm_with_status_0(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    prepare(url, watches=1)
    process = subprocess.Popen([str(RENXING), "worker", "--database", url],
                               env=environment(RENXING_WORKER_INTERVAL_SECONDS="0.2", RENXING_LOG_FORMAT="json"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    until(lambda: "sweeping" in process.stdout.readline(), timeout=60, message="the worker started")
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    rest = process.stdout.read()
    assert process.wait(timeout=30) == 0, rest
    assert "stopped" in rest
