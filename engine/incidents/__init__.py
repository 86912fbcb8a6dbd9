"""Incidents — and every other kind of process instance (warnings, screenings, drills, plan
revisions): starting them, the command pipeline that advances them, their stored workflow, and
the timer sweep.

Modules: `starting` (report/start), `service` (read, message, end), `pipeline` (lock → load →
change → sync), `sync` (persist and derive), `store` (workflow rows and the process-local cache),
`locking`, `references`, `timers`.
"""

from engine.incidents.service import (
    MAX_ID,
    IncidentFilter,
    IncidentState,
    TimerState,
    end,
    get,
    get_by_reference,
    list_incidents,
    preview_message,
    resolve,
    send_message,
    state,
)
from engine.incidents.starting import start, start_instance

__all__ = [
    "MAX_ID",
    "IncidentFilter",
    "IncidentState",
    "TimerState",
    "end",
    "get",
    "get_by_reference",
    "list_incidents",
    "preview_message",
    "resolve",
    "send_message",
    "start",
    "start_instance",
    "state",
]
