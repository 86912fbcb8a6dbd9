"""Give SpiffWorkflow's timers our injectable clock.

The library's timer event definitions call ``datetime.now(timezone.utc)`` directly. We replace
the ``datetime`` name inside that one module with a subclass whose ``now()`` reads the clock of
the command being run (a context variable, so threads never see each other's clocks). Outside
a command it is the real time. This is the only patch we apply to the library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_current_now: ContextVar[Callable[[], datetime] | None] = ContextVar("renxing_now", default=None)


class ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        source = _current_now.get()
        if source is None:
            return datetime.now(tz)
        moment = source()
        return moment.astimezone(tz) if tz is not None else moment


@contextmanager
def using_clock(now: Callable[[], datetime]) -> Iterator[None]:
    token = _current_now.set(now)
    try:
        yield
    finally:
        _current_now.reset(token)


_timer_module.datetime = ClockedDatetime  # type: ignore[attr-defined,misc]
