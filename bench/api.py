"""4. The HTTP API under load: a real `renxing serve` process beside a bare FastAPI endpoint served
with the same uvicorn settings, both loaded from a separate process (bench.load) on 127.0.0.1.

For 1 and 16 connections: GET /tasks/inbox (as a grid worker), POST /tasks/{id}/complete (each
request a different ready situation report), GET /ping on the bare app — alternated, each run
bounded in seconds and requests. Goals: inbox throughput at 16 connections ≥ 0.30× the bare
endpoint's; complete-task p99 at 16 connections ≤ 3× the bare endpoint's p99.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bench.common import Context, Figure, percentile, scratch_url, summary
from bench.fixture import LONG, prepare
from engine import seats
from engine.seats.auth import hash_password

PASSWORD = "bench-Password-2026!"
CONNECTIONS = (1, 16)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(argv: list[str], probe: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(probe, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not come up: {' '.join(argv)}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _load(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.load", json.dumps(spec)],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["error_count"]:
        raise RuntimeError(f"load run {spec['kind']} {spec.get('path', '')}: errors {result['errors']}")
    return result


def _token(base: str, username: str) -> str:
    response = httpx.post(f"{base}/auth/token", data={"username": username, "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _prepare(url: str, tasks_needed: int) -> list[str]:
    setup = prepare(url)
    with setup.db.transaction() as session:
        for role in ("duty_officer", "grid_worker"):
            seats.get_user(session=session, username=f"bench.{role}").password_hash = hash_password(PASSWORD)
    ids = []
    for n in range(tasks_needed):
        incident_id = setup.start(LONG, title=f"API load {n}")
        ids.append(setup.open_task(incident_id, "situation_report").id)
    setup.db.dispose()
    return ids


def run(ctx: Context) -> list[Figure]:
    seconds, cap, reps = ctx.pick(1.0, 4.0), ctx.pick(15, 120), ctx.pick(2, 3)
    db = ctx.database
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    with scratch_url(ctx, "api") as url:
        task_ids = _prepare(url, cap * len(CONNECTIONS) * reps)
        port, bare_port = _free_port(), _free_port()
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        serve = [sys.executable, "-c", "from api.cli import app; app()", "serve", "--no-worker",
                 "--port", str(port), "--database", url]
        with _server(serve, f"{base}/healthz"), \
                _server([sys.executable, "-m", "bench.bare_app", str(bare_port)], f"{bare}/ping"):
            inbox_token, duty_token = _token(base, "bench.grid_worker"), _token(base, "bench.duty_officer")
            for _ in range(reps):
                for connections in CONNECTIONS:
                    common = {"connections": connections, "seconds": seconds}
                    specs = {
                        "bare": {**common, "base": bare, "kind": "get", "path": "/ping",
                                 "max_per_connection": 100_000},
                        "inbox": {**common, "base": base, "kind": "get", "path": "/tasks/inbox",
                                  "token": inbox_token, "max_per_connection": 100_000},
                        "complete": {**common, "base": base, "kind": "complete", "token": duty_token,
                                     "max_per_connection": 100_000, "task_ids": task_ids[:cap]},
                    }
                    task_ids = task_ids[cap:]
                    for name, spec in specs.items():
                        runs.setdefault((name, connections), []).append(_load(spec))
    return _figures(db, runs)


def _stat(results: list[dict[str, Any]], what: str) -> dict[str, float]:
    if what == "rps":
        return summary([r["requests"] / r["seconds"] for r in results])
    q = {"p50": 50, "p99": 99}[what]
    return summary([percentile(r["latencies_ms"], q) for r in results])


def _figures(db: str, runs: dict[tuple[str, int], list[dict[str, Any]]]) -> list[Figure]:
    figures = []
    for connections in CONNECTIONS:
        bare = runs[("bare", connections)]
        for name in ("inbox", "complete"):
            mine = runs[(name, connections)]
            label = "GET /tasks/inbox" if name == "inbox" else "POST /tasks/{id}/complete"
            for what, unit in (("rps", "req/s"), ("p50", "ms"), ("p99", "ms")):
                goal = None
                if connections == 16 and name == "inbox" and what == "rps":
                    goal = ("min", 0.30)
                if connections == 16 and name == "complete" and what == "p99":
                    goal = ("max", 3.0)
                figures.append(Figure(
                    "api", db, f"{label} {what} at {connections} connection{'s' if connections > 1 else ''}",
                    unit, _stat(mine, what), f"bare FastAPI GET /ping {what}", _stat(bare, what), goal=goal,
                    extra={"requests": [r["requests"] for r in mine]}))
    return figures
