"""Liveness (/healthz), readiness (/readyz: 503 while draining) and Prometheus metrics
(unauthenticated, for probes and scrapers)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import generate_latest

from api.deps import DatabaseDep
from api.schemas.audit import HealthOut, ReadyOut
from engine.db import migrate

router = APIRouter(tags=["operations"])
#: The classic text format every Prometheus version scrapes (what `generate_latest` writes).
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
log = logging.getLogger(__name__)


@router.get("/healthz", response_model=HealthOut,
            responses={503: {"model": HealthOut, "description": "Database unreachable or schema behind."}},
            summary="Health: the database answers and its schema is current")
def healthz(database: DatabaseDep) -> HealthOut | JSONResponse:
    reachable = current = False
    try:
        current = migrate.is_current(database.engine)  # connects: raises if the database is down
        reachable = True
    except Exception:  # a probe reports failure; it never raises
        log.warning("health check failed", exc_info=True)
    health = HealthOut(status="ok" if reachable and current else "unavailable",
                       database=reachable, migrations_current=current)
    if health.status == "ok":
        return health
    return JSONResponse(health.model_dump(), status_code=503)


@router.get("/readyz", response_model=ReadyOut,
            responses={503: {"model": ReadyOut,
                             "description": "Draining (shutting down) or the database is unreachable."}},
            summary="Readiness: send traffic here? 503 while draining on SIGTERM, or without a database")
def readyz(request: Request, database: DatabaseDep) -> ReadyOut | JSONResponse:
    if request.app.state.draining.is_set():
        return JSONResponse(ReadyOut(status="draining").model_dump(), status_code=503)
    try:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception:  # a probe reports failure; it never raises
        log.warning("readiness check failed", exc_info=True)
        return JSONResponse(ReadyOut(status="unavailable").model_dump(), status_code=503)
    return ReadyOut(status="ready")


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {PROMETHEUS_TEXT: {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition format."}},
            summary="Prometheus metrics: requests, latencies, commands, conflicts, tasks, timer lag")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=PROMETHEUS_TEXT)
