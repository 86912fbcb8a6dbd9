"""The timer worker inside `renxing serve`: a background thread started and stopped by the app's
lifespan, so deadlines and escalations fire while the API runs (no separate process needed)."""

from __future__ import annotations

import logging
import threading

from engine.config import Settings
from engine.db import Database
from engine.incidents import timers

log = logging.getLogger(__name__)


class TimerWorker:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(
            target=timers.run_worker, args=(self.database,), name="renxing-timer-worker", daemon=True,
            kwargs={"interval": self.settings.worker_interval_seconds,
                    "batch": self.settings.worker_batch_size, "stop": self.stop_event},
        )
        self.thread.start()
        log.info("timer worker started (every %ss)", self.settings.worker_interval_seconds)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to finish its current sweep, and wait for it."""
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
            if self.thread.is_alive():
                log.warning("timer worker did not stop within %ss", timeout)
        log.info("timer worker stopped")

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()
