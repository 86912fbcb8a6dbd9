"""The load generator, run as its own process: `python -m bench.load SPEC_JSON` prints JSON.

SPEC: base URL, connections, seconds and request caps, and what to send — `get` a path, or `post`
each of a list of task ids to /tasks/{id}/complete. Each connection is a thread with its own
httpx.Client (keep-alive), so 16 connections are 16 concurrent requests at most. Bounded in time
and in request count; it only talks to 127.0.0.1.

The clock starts only when every connection's client exists (a barrier), and every connection
sends at least `min_per_connection` requests (default 1) whatever the clock says: on a loaded
machine, building 16 clients can take longer than a quick run's whole second, which used to
leave 16-connection runs with no request at all (and NaN figures). Rates are requests over the
time from that start to the last answer.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

import httpx


class _Start:
    """Set once, by the barrier's action, when all connections are ready."""

    deadline = 0.0
    began = 0.0


def _worker(spec: dict[str, Any], items: list[str], gate: threading.Barrier, start: _Start,
            out: list[float], errors: list[int]) -> None:
    headers = {"Authorization": f"Bearer {spec['token']}"} if spec.get("token") else {}
    floor = spec.get("min_per_connection", 1)
    with httpx.Client(base_url=spec["base"], headers=headers, timeout=30) as client:
        gate.wait()
        count = 0
        while count < spec["max_per_connection"] and (count < floor or time.monotonic() < start.deadline):
            if spec["kind"] == "complete":
                if count >= len(items):
                    break
                path, body = f"/tasks/{items[count]}/complete", {"data": {"verified": False, "comment": "load"}}
            else:
                path, body = spec["path"], None
            began = time.perf_counter()
            response = client.post(path, json=body) if body is not None else client.get(path)
            out.append((time.perf_counter() - began) * 1000)
            if response.status_code >= 400:
                errors.append(response.status_code)
            count += 1


def run(spec: dict[str, Any]) -> dict[str, Any]:
    if not spec["base"].startswith("http://127.0.0.1:"):
        raise SystemExit("bench.load only sends to 127.0.0.1")
    connections = spec["connections"]
    items = spec.get("task_ids", [])
    shares = [items[i::connections] for i in range(connections)]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors: list[int] = []
    start = _Start()

    def _go() -> None:
        start.began = time.perf_counter()
        start.deadline = time.monotonic() + spec["seconds"]

    gate = threading.Barrier(connections, action=_go)
    threads = [threading.Thread(target=_worker, args=(spec, shares[i], gate, start, latencies[i], errors))
               for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start.began
    flat = [x for lane in latencies for x in lane]
    return {"latencies_ms": flat, "requests": len(flat), "seconds": wall, "errors": errors[:20],
            "error_count": len(errors)}


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
