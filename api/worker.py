"""The background workers inside `renxing serve` (and `renxing worker`): threads started and
stopped by the app's lifespan — the timer worker, so deadlines and escalations fire while the
API runs, and the notification worker beside it, which delivers the outbox after commits."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from api.pages.i18n import Translator
from engine import notifications
from engine.config import Settings, time_zone
from engine.db import Database
from engine.incidents import RetryPolicy, timers

log = logging.getLogger(__name__)


class _Loop(ABC):
    """A loop function run in a daemon thread until its stop event is set."""

    name = "worker"

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    @abstractmethod
    def target(self) -> tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]]:
        """The loop function with its arguments; `stop` is added to the keyword arguments."""

    def start(self) -> None:
        function, args, kwargs = self.target()
        self.thread = threading.Thread(target=function, args=args, kwargs={**kwargs, "stop": self.stop_event},
                                       name=f"renxing-{self.name}", daemon=True)
        self.thread.start()
        log.info("%s started", self.name)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to finish its current pass, and wait for it."""
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
            if self.thread.is_alive():
                log.warning("%s did not stop within %ss", self.name, timeout)
        log.info("%s stopped", self.name)

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


class TimerWorker(_Loop):
    name = "timer-worker"

    def target(self) -> tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]]:
        return timers.run_worker, (self.database,), {"interval": self.settings.worker_interval_seconds,
                                                     "batch": self.settings.worker_batch_size,
                                                     "policy": RetryPolicy.configured(self.settings),
                                                     "zone": time_zone(self.settings.time_zone)}


class NotificationWorker(_Loop):
    name = "notification-worker"

    def target(self) -> tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]]:
        return notifications.run_worker, (self.database, notifications.channels_from(self.settings)), {
            "interval": self.settings.notify_interval_seconds, "say": Translator("zh").say}
