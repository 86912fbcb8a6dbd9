"""Logs an operator can follow: one line per request with its request id — the same id the audit
events of that request carry (engine.audit.REQUEST_ID) and the `X-Request-ID` response header —
as text or as JSON lines (`RENXING_LOG_FORMAT=json`).

What is never logged: request bodies (form data, passwords), query strings, headers, and the
workflow library's task data. A line says
the method, the route's path, the status, the duration and who the request id belongs to.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from engine.audit import REQUEST_ID

HEADER = "X-Request-ID"
#: A caller's id is kept when it is short and plain (a load balancer's or a client's trace id).
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
access = logging.getLogger("renxing.access")
#: The attributes of every LogRecord: anything else on a record is an `extra` worth printing.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "color_message"}


class RequestIdMiddleware:
    """Outermost: gives each HTTP request its id, answers it in `X-Request-ID`, logs the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(HEADER.lower().encode(), b"").decode("latin-1")
        request_id = sent if _ACCEPTED.match(sent) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: ASGIMessage) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (HEADER.lower().encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access.info("%s %s %s", scope["method"], scope["path"], status,
                        extra={"method": scope["method"], "path": scope["path"], "status": status,
                               "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the request id of the request it was logged in (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(log_format: str) -> dict[str, Any]:
    """`logging.config.dictConfig` for serve and worker (uvicorn takes it as `log_config`); uvicorn's
    own access log is off: `renxing.access` logs each request, with its id."""
    formatter = ({"()": JsonFormatter} if log_format == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"})
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default",
                                 "filters": ["request_id"], "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {"uvicorn": {"handlers": [], "propagate": True},
                    "uvicorn.error": {"handlers": [], "propagate": True},
                    "uvicorn.access": {"handlers": [], "propagate": False},
                    # SpiffWorkflow logs every task state change at INFO with the task's data (form
                    # answers) attached: never in our logs.
                    "spiff": {"level": "WARNING"}},
    }
