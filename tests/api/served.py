"""Real `renxing serve` processes for tests: a free port, start, wait until it answers, stop."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RENXING = Path(sys.executable).with_name("renxing")
SECRET = "serve-test-secret-key-32-bytes!!"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Served:
    """One `renxing serve` process on `port`; `extra` adds options (e.g. `--workers 2`)."""

    def __init__(self, url: str, *, port: int | None = None, extra: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        environment = {**os.environ, "RENXING_WORKER_INTERVAL_SECONDS": "0.2", "RENXING_SECRET_KEY": SECRET,
                       **(env or {})}
        # A file, not a pipe: a busy server's access log would fill a pipe nobody reads and block it.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open for the whole life of the process
        self.process = subprocess.Popen([str(RENXING), "serve", "--port", str(self.port), "--database", url, *extra],
                                        env=environment, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_until_answering(self, seconds: float = 180) -> None:
        """Poll until the server answers. A start costs ~4 s of CPU (the app's imports, migration
        check, ANALYZE); on 2 cores at load 14 one took over 60 s, which failed a durability test
        for a reason that is not its subject — hence the long default."""
        deadline = time.monotonic() + seconds
        while True:  # a real process: poll its socket until it answers
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"renxing serve did not answer within {seconds} s"
            time.sleep(0.1)

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, exactly what a power cut does to the process."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, and the exit status once it has shut down (killed after 20 s)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
