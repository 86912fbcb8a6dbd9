"""`renxing serve`'s server: uvicorn, draining on SIGTERM.

On SIGTERM the process first *drains*: `/readyz` answers 503 so a load balancer stops sending new
work, while requests already sent (and any that still arrive) are served, for
`RENXING_DRAIN_SECONDS`. Then uvicorn's graceful shutdown: the socket stops accepting, in-flight
commands finish within `RENXING_SHUTDOWN_GRACE_SECONDS`, the app's lifespan stops the timer and
notification workers between sweeps, and the process exits 0. A second SIGTERM, or Ctrl-C, skips
the drain.

`serve --workers N` (`DrainingSupervisor`): the supervising process takes the SIGTERM, tells every
HTTP process to drain (`DRAIN_SIGNAL`: its /readyz answers 503 while it still serves), and once the
drain is over sends each a SIGTERM — uvicorn's graceful shutdown in each — waits for all of them,
stops the workers and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from socket import socket
from types import FrameType

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

log = logging.getLogger(__name__)
#: What the supervisor of `serve --workers N` sends each HTTP process to make it drain.
DRAIN_SIGNAL = signal.SIGUSR1


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, draining: threading.Event, drain_seconds: float) -> None:
        super().__init__(config)
        self.draining, self.drain_seconds = draining, drain_seconds
        self._drain_started: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM and self._drain_started is None:
            # Not recorded as a captured signal: a drained shutdown is a clean exit (status 0).
            self._drain_started = time.monotonic()
            self.draining.set()
            log.info("SIGTERM: draining for %ss (/readyz answers 503), then shutting down", self.drain_seconds)
            return
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        if self._drain_started is not None and time.monotonic() - self._drain_started >= self.drain_seconds:
            self.should_exit = True
        return await super().on_tick(counter)


def drain_on_signal(draining: threading.Event) -> None:
    """In an HTTP process of `serve --workers N` (its main thread): drain when the supervisor says."""
    signal.signal(DRAIN_SIGNAL, lambda _sig, _frame: draining.set())


class DrainingSupervisor(Multiprocess):
    """uvicorn's supervisor of several HTTP processes on one socket, draining them all on SIGTERM."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket], *, drain_seconds: float) -> None:
        super().__init__(config, sockets)
        self.drain_seconds = drain_seconds
        self._drain_until: float | None = None

    def handle_term(self) -> None:
        if self._drain_until is not None:  # a second SIGTERM skips the drain
            super().handle_term()
            return
        self._drain_until = time.monotonic() + self.drain_seconds
        log.info("SIGTERM: %s HTTP processes drain for %ss (/readyz answers 503), then shut down",
                 len(self.processes), self.drain_seconds)
        for process in self.processes:
            if process.pid is None:
                continue
            if process.is_ready(timeout=1):  # serving, so its app listens for DRAIN_SIGNAL
                os.kill(process.pid, DRAIN_SIGNAL)
            else:  # still starting: nothing in flight to finish
                process.terminate()

    def keep_subprocess_alive(self) -> None:
        if self._drain_until is None:
            super().keep_subprocess_alive()
        elif time.monotonic() >= self._drain_until:  # no process is replaced while draining
            self.should_exit.set()  # the run loop then sends each process SIGTERM and waits for all
