"""`renxing serve`'s server: uvicorn, draining on SIGTERM.

On SIGTERM the process first *drains*: `/readyz` answers 503 so a load balancer stops sending new
work, while requests already sent (and any that still arrive) are served, for
`RENXING_DRAIN_SECONDS`. Then uvicorn's graceful shutdown: the socket stops accepting, in-flight
commands finish within `RENXING_SHUTDOWN_GRACE_SECONDS`, the app's lifespan stops the timer and
notification workers between sweeps, and the process exits 0. A second SIGTERM, or Ctrl-C, skips
the drain.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

import uvicorn

log = logging.getLogger(__name__)


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
