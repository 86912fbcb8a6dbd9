"""Prometheus metrics: request counts and latencies per route template, commands, conflicts,
and domain gauges (open/overdue tasks, timer lag) read from the database at scrape time.

Each app gets its own `CollectorRegistry` (not prometheus_client's global one), so several apps
in one process — tests — never share or double-register counters. Labels use the route
*template* (`/tasks/{task_id}`), never the raw path, so unknown URLs cannot blow up cardinality.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.db import Database
from engine.overview import metrics as engine_metrics

disable_created_metrics()  # `*_created` series add noise and nothing this service needs

#: Not commands: logging in changes no domain state and takes no idempotency key.
NOT_COMMANDS = frozenset({"/auth/token"})
COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KNOWN_METHODS = COMMAND_METHODS | {"GET", "HEAD", "OPTIONS"}
UNMATCHED = "<unmatched>"
#: Served by FastAPI itself, outside the routers: labelled by their fixed path.
DOC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class DomainCollector(Collector):
    """Gauges computed on scrape, from the same rows the inbox and the timer worker read."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.database.read() as session:
            g = engine_metrics.gauges(session=session)
        yield GaugeMetricFamily("renxing_open_tasks", "Ready human tasks of active incidents.",
                                value=g.open_tasks)
        yield GaugeMetricFamily("renxing_overdue_tasks", "Ready human tasks past their due time.",
                                value=g.overdue_tasks)
        yield GaugeMetricFamily("renxing_timer_lag_seconds",
                                "Now minus the earliest due timer of an active incident (0 if none is due).",
                                value=g.timer_lag_seconds)
        yield GaugeMetricFamily("renxing_active_incidents", "Incidents with status active.",
                                value=g.active_incidents)


class Metrics:
    def __init__(self, database: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter("renxing_http_requests", "HTTP requests answered.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("renxing_http_request_duration_seconds", "Time to answer a request.",
                                 ["method", "route", "status"], buckets=BUCKETS, registry=self.registry)
        self.commands = Counter("renxing_commands", "State-changing requests (POST/PUT/PATCH/DELETE).",
                                ["route", "status"], registry=self.registry)
        self.conflicts = Counter("renxing_conflicts", "Commands refused with 409 Conflict.",
                                 ["route"], registry=self.registry)
        self.registry.register(DomainCollector(database))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in KNOWN_METHODS else "OTHER"
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)
        if method in COMMAND_METHODS and route != UNMATCHED and route not in NOT_COMMANDS:
            self.commands.labels(route, str(status)).inc()
            if status == 409:
                self.conflicts.labels(route).inc()


class MetricsMiddleware:
    """Outermost middleware: times every HTTP request and records it under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or (
                scope["path"] if scope["path"] in DOC_PATHS else UNMATCHED)
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
