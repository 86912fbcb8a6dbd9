"""The audit log and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from api.schemas.common import ResponseModel


class AuditEventOut(ResponseModel):
    id: int
    chain: str
    seq: int
    incident_id: int | None
    actor: str
    action: str
    payload: dict[str, Any]
    occurred_at: datetime
    prev_hash: str
    hash: str
    request_id: str | None = Field(default=None, description="The HTTP request that wrote the event "
                                   "(its X-Request-ID header, also in the server's log lines); null outside HTTP.")


class AuditPage(ResponseModel):
    items: list[AuditEventOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class ChainBreakOut(ResponseModel):
    chain: str
    seq: int
    event_id: int | None
    reason: str


class VerifyOut(ResponseModel):
    ok: bool = Field(description="True when every hash chain is intact.")
    chains: int
    events: int
    first_break: ChainBreakOut | None = Field(description="The first broken event, if any.")


class HealthOut(ResponseModel):
    status: Literal["ok", "unavailable"]
    database: bool = Field(description="The database answered.")
    migrations_current: bool = Field(description="The schema is at the newest migration.")


class ReadyOut(ResponseModel):
    status: Literal["ready", "draining", "unavailable"] = Field(
        description="ready: send traffic; draining: shutting down on SIGTERM, send no new work; "
                    "unavailable: the database does not answer.")
