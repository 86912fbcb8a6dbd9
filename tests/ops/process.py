"""Real `renxing` processes for the operations tests, on top of tests/api/served.py: a JSON client
of a served process, `serving()` as a context manager, CLI commands as separate processes, and
polling until a condition holds."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlencode

from tests.api.served import RENXING, Served, request

T = TypeVar("T")


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without any RENXING_ setting, plus `extra`."""
    return {k: v for k, v in os.environ.items() if not k.startswith("RENXING_")} | extra


def renxing(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run one `renxing` command as a separate process."""
    return subprocess.run([str(RENXING), *args], env=env or environment(), capture_output=True, text=True,
                          timeout=timeout)


class Client:
    """JSON over HTTP to a served process."""

    def __init__(self, served: Served) -> None:
        self.served, self.port = served, served.port

    def get(self, path: str, token: str | None = None) -> tuple[int, Any]:
        status, body = request(self.port, "GET", path,
                               headers={"Authorization": f"Bearer {token}"} if token else None)
        return status, _json(body)

    def post(self, path: str, payload: Any, token: str, headers: dict[str, str] | None = None,
             timeout: float = 5) -> tuple[int, Any]:
        status, body = request(self.port, "POST", path, json.dumps(payload),
                               {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                               | (headers or {}), timeout=timeout)
        return status, _json(body)

    def login(self, username: str, password: str) -> str:
        form = urlencode({"username": username, "password": password})
        status, body = request(self.port, "POST", "/auth/token", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        return str(json.loads(body)["access_token"])


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


@contextmanager
def serving(url: str, *extra: str, env: dict[str, str] | None = None, wait: float = 90) -> Iterator[Client]:
    """`renxing serve` answering /healthz, stopped with SIGTERM afterwards."""
    served = Served(url, extra=extra, env=env)
    try:
        served.wait_until_answering(wait)
        yield Client(served)
    finally:
        if served.process.poll() is None:
            served.stop()


def send_slowly(port: int, path: str, body: bytes, token: str, request_id: str = "drain-test-0001") -> socket.socket:
    """Open a command's request and send all of it but its last byte: in flight, not yet handled."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nX-Request-ID: {request_id}\r\n"
            "Connection: close\r\n\r\n").encode()
    sock.sendall(head + body[:-1])
    return sock


def until(predicate: Callable[[], T], timeout: float = 20, message: str = "condition") -> T:
    """Poll `predicate` until it returns something truthy (real processes take real time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{message} not met within {timeout} s"
        time.sleep(0.1)
