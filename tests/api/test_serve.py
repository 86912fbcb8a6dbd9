"""`renxing serve` as a real process: it migrates a fresh database, answers over a socket,
authenticates, and stops cleanly on SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from api.cli import app as cli

RENXING = Path(sys.executable).with_name("renxing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(port: int, method: str, path: str, body: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")
def test_renxing_serve_runs_as_a_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    added = CliRunner().invoke(cli, ["users", "add", "ops", "--password", "ops-password", "--admin",
                                     "--database", url])
    assert added.exit_code == 0, added.output
    port = _free_port()
    env = {**os.environ, "RENXING_WORKER_INTERVAL_SECONDS": "0.2",
           "RENXING_SECRET_KEY": "serve-test-secret-key-32-bytes!!"}
    process = subprocess.Popen([str(RENXING), "serve", "--port", str(port), "--database", url],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:  # a real process: poll its socket until it answers
            try:
                status, body = _request(port, "GET", "/healthz")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "renxing serve did not answer within 30 s"
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["migrations_current"] is True

        status, body = _request(port, "POST", "/auth/token",
                                urlencode({"username": "ops", "password": "ops-password"}),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        token = json.loads(body)["access_token"]
        status, body = _request(port, "GET", "/me", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and json.loads(body)["is_admin"] is True
        assert _request(port, "GET", "/me")[0] == 401
        assert _request(port, "GET", "/")[0] == 307  # the web pages are served beside the API
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    output = process.stdout.read().decode() if process.stdout else ""
    # Uvicorn shuts down gracefully (lifespan: the timer worker is stopped and joined), then
    # re-raises the signal it caught, so a supervisor sees "terminated by SIGTERM".
    assert code in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output, output
