"""`renxing serve` as a real process: it migrates a fresh database, answers over a socket,
authenticates, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from tests.api.served import RENXING, Served, request


@pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")
def test_renxing_serve_runs_as_a_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    added = CliRunner().invoke(cli, ["users", "add", "ops", "--password", "ops-password", "--admin",
                                     "--database", url])
    assert added.exit_code == 0, added.output
    served = Served(url)
    port = served.port
    try:
        served.wait_until_answering()
        status, body = request(port, "GET", "/healthz")
        assert status == 200 and json.loads(body)["migrations_current"] is True

        status, body = request(port, "POST", "/auth/token",
                               urlencode({"username": "ops", "password": "ops-password"}),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        token = json.loads(body)["access_token"]
        status, body = request(port, "GET", "/me", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and json.loads(body)["is_admin"] is True
        assert request(port, "GET", "/me")[0] == 401
        assert request(port, "GET", "/")[0] == 307  # the web pages are served beside the API
    finally:
        code = served.stop()
    output = served.output()
    # Uvicorn shuts down gracefully (lifespan: the timer worker is stopped and joined), then
    # re-raises the signal it caught, so a supervisor sees "terminated by SIGTERM".
    assert code in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output, output


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not RENXING.exists() or not Path("/proc").exists(), reason="needs the console script and /proc")
def test_serve_with_workers_answers_on_one_port_from_several_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    added = CliRunner().invoke(cli, ["users", "add", "ops", "--password", "ops-password", "--admin",
                                     "--database", url])
    assert added.exit_code == 0, added.output
    served = Served(url, extra=("--workers", "2"))
    try:
        served.wait_until_answering(180)  # three processes each import the whole app; slow on a loaded machine
        assert len(_children(served.process.pid)) >= 2, served.output()
        status, body = request(served.port, "POST", "/auth/token",
                               urlencode({"username": "ops", "password": "ops-password"}),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        token = json.loads(body)["access_token"]
        for _ in range(6):  # the token of one process is good in every other (one shared key)
            status, body = request(served.port, "GET", "/me", headers={"Authorization": f"Bearer {token}"})
            assert status == 200 and json.loads(body)["username"] == "ops"
    finally:
        code = served.stop()
    assert code in (0, -signal.SIGTERM), served.output()
