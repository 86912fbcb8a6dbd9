"""`renxing serve --workers 2`, a real process tree: on SIGTERM every HTTP process drains (/readyz
503 from whichever answers, commands still served, a command in flight answered), then each shuts
down gracefully, and the supervising process exits 0 with no HTTP process left behind."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.api.served import RENXING
from tests.ops.office import DUTY, PASSWORD, prepare
from tests.ops.process import environment, send_slowly, serving, until

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")]


def http_processes(parent: int) -> list[int]:
    """The HTTP processes uvicorn spawned under `parent` (not multiprocessing's helpers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def two(found: list[int]) -> list[int] | None:
    return found if len(found) == 2 else None


def test_sigterm_drains_every_http_process_and_exits_0(database_url: str) -> None:
    references = prepare(database_url, watches=1)
    env = environment(RENXING_DRAIN_SECONDS="4", RENXING_SHUTDOWN_GRACE_SECONDS="20",
                      RENXING_WORKER_INTERVAL_SECONDS="0.2", RENXING_LOG_FORMAT="json")
    with serving(database_url, "--workers", "2", env=env, wait=120) as server:
        supervisor = server.served.process
        children = until(lambda: two(http_processes(supervisor.pid)), timeout=120, message="two HTTP processes")
        until(lambda: all(server.get("/readyz")[0] == 200 for _ in range(10)), timeout=120,
              message="both HTTP processes ready")
        token = server.login(DUTY, PASSWORD)
        task = server.get(f"/incidents/{references[0]}", token)[1]["open_tasks"][0]
        body = json.dumps({"data": {"verified": False, "comment": "in flight"}}).encode()
        sock = send_slowly(server.port, f"/tasks/{task['id']}/complete", body, token, "workers-drain-0001")

        supervisor.send_signal(signal.SIGTERM)
        until(lambda: server.get("/readyz")[0] == 503, message="/readyz 503 while draining")
        # Whichever process accepts a connection answers 503: every one of them drains.
        assert [server.get("/readyz") for _ in range(20)] == [(503, {"status": "draining"})] * 20
        assert server.get("/healthz")[0] == 200
        assert server.login(DUTY, PASSWORD)  # still serving while draining
        sock.sendall(body[-1:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sock.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        code = supervisor.wait(timeout=90)
    output = server.served.output()
    assert code == 0, output
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any("HTTP processes drain" in line["message"] for line in lines), output
    assert any(line["message"] == "timer-worker stopped" for line in lines), output
