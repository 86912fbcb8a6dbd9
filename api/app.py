"""The FastAPI application factory."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.limits import BodyLimitMiddleware
from api.logs import RequestIdMiddleware
from api.metrics import Metrics, MetricsMiddleware
from api.routes import (
    attachments,
    audit,
    auth,
    decisions,
    definitions,
    failures,
    health,
    incidents,
    registers,
    reports,
    resources,
    schedules,
    tasks,
    users,
    volunteers,
    warnings,
)
from api.security import SigningKey
from api.worker import NotificationWorker, TimerWorker
from engine.config import Settings, get_settings
from engine.db import Database

DESCRIPTION = """
Renxing 韧性 runs community emergency management as BPMN workflows: report an incident, grade
it, work the tasks of each seat 席位, record on-scene decisions, recover and learn.

**Log in** with `POST /auth/token` (form fields `username`, `password`) and send the token as
`Authorization: Bearer <token>` (the *Authorize* button above does this for you).

**Seats decide access.** Staff see and complete the tasks of their seats; an incident's
commander advances it (messages, decisions, seating people); auditors (seat `auditor`) read
everything and change nothing; administrators deploy models and manage users.

**Errors** are always `{"error": {"code", "message", "message_code", "params", "fields", "field_codes"}}`:
401 not logged in, 403 not your seat (the message says why), 404 unknown id, 409 the state changed
(e.g. task already done), 413 body too large, 422 invalid input (`fields` names each field), 429
account locked. `message_code` (e.g. `task.not_ready`) with `params`, and `field_codes`, say the same
by stable code, for clients that show messages in their reader's language.

**Commands** (POST) accept an `Idempotency-Key` header: retrying with the same key returns the
first result (header `Idempotent-Replayed: true`) and never acts twice.
"""

TAGS = [
    {"name": "auth", "description": "Log in, and who am I."},
    {"name": "incidents", "description": "Start, follow, advance and end incidents."},
    {"name": "tasks", "description": "The work of each seat: inbox, forms, completing tasks."},
    {"name": "decisions", "description": "On-scene decisions 临场决策 and their record."},
    {"name": "warnings", "description": "Warnings received from the issuer and relayed to every grid 预警."},
    {"name": "registers", "description": "Hazards, improvement actions, plan versions, resources."},
    {"name": "definitions", "description": "Process models (BPMN/DMN bundles), versioned."},
    {"name": "audit", "description": "The tamper-evident audit log."},
    {"name": "users", "description": "User administration."},
    {"name": "operations", "description": "Health and metrics."},
]


def create_app(
    database: Database | None = None, *, start_worker: bool = False, settings: Settings | None = None
) -> FastAPI:
    """Build the app around a database (tests inject one with a manual clock).

    With `start_worker`, the timer worker and the notification worker run in background threads
    for the app's lifetime.
    The schema is not migrated here: `renxing serve` (and tests) do that first.
    """
    settings = settings or get_settings()
    database = database or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = TimerWorker(database, settings) if start_worker else None
        notifier = NotificationWorker(database, settings) if start_worker else None
        app.state.worker, app.state.notifier = worker, notifier
        for started in (worker, notifier):
            if started is not None:
                started.start()
        try:
            yield
        finally:
            for running in (worker, notifier):
                if running is not None:
                    running.stop()

    app = FastAPI(title="Renxing 韧性 API", version="0.1.0", description=DESCRIPTION,
                  openapi_tags=TAGS, lifespan=lifespan)
    app.state.database = database
    app.state.settings = settings
    app.state.signing_key = SigningKey(database, settings.secret_key)
    #: Set on SIGTERM by `renxing serve` (api.serving): /readyz answers 503 from then on.
    app.state.draining = threading.Event()
    app.state.metrics = Metrics(database)
    errors.install(app)
    for module in (auth, incidents, failures, reports, tasks, attachments, decisions, warnings, registers, resources,
                   volunteers, schedules, definitions, audit, users, health):
        app.include_router(module.router)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # sees every answer
    app.add_middleware(RequestIdMiddleware)  # outermost: the request id is in every log line and audit event
    return app
