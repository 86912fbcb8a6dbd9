"""Incidents — and every other kind of process instance (warnings, screenings, drills, plan
revisions): starting them, the command pipeline that advances them, their stored workflow, and
the timer sweep.

Modules: `starting` (report/start), `service` (read, message, end), `pipeline` (lock → load →
change → sync), `sync` (persist and derive), `store` (workflow rows and the process-local cache),
`locking`, `references`, `timers`; `failures` (retries after a failed timer), `variables`
(set by hand, the fix before a retry), `migration` (to a newer definition version), `access`.
"""

from engine.incidents.failures import RetryPolicy, history, open_failure, retry
from engine.incidents.migration import migrate, newer_versions
from engine.incidents.orders import decide
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
from engine.incidents.variables import set_variable

__all__ = [
    "MAX_ID",
    "RetryPolicy",
    "IncidentFilter",
    "IncidentState",
    "TimerState",
    "decide",
    "end",
    "get",
    "get_by_reference",
    "history",
    "list_incidents",
    "migrate",
    "newer_versions",
    "open_failure",
    "preview_message",
    "resolve",
    "retry",
    "send_message",
    "set_variable",
    "start",
    "start_instance",
    "state",
]
