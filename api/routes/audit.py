"""The audit log for auditors: filtered pages, chain verification, and a streaming export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator

from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.policies import require_auditor
from api.schemas.audit import AuditEventOut, AuditPage, VerifyOut
from api.schemas.common import ERRORS, Cursor, Limit, clean_optional
from engine import audit, incidents
from engine.db import Database

router = APIRouter(prefix="/audit", tags=["audit"], responses=ERRORS)

IncidentFilter = Annotated[str | None, Query(
    pattern=r"^(?:[1-9][0-9]{0,8}|[A-Z]{2,8}-[0-9]{4}-[0-9]{1,9})$",
    description="Only this incident's events (reference or id).")]
ActionFilter = Annotated[str | None, Query(max_length=64, description="e.g. `task_completed`"),
                         AfterValidator(clean_optional)]
ActorFilter = Annotated[str | None, Query(max_length=64, description="Username (or `system:…`)."),
                        AfterValidator(clean_optional)]


def incident_id_of(database: Database, ref: str | None) -> int | None:
    if ref is None:
        return None
    with database.read() as session:
        return incidents.resolve(session=session, ref=ref).id


@router.get("/events", response_model=AuditPage,
            summary="Audit events in append order, filtered (auditors and administrators)")
def events(principal: CurrentUser, database: DatabaseDep, session: SessionDep,
           incident: IncidentFilter = None, action: ActionFilter = None, actor: ActorFilter = None,
           cursor: Cursor = None, limit: Limit = 200) -> AuditPage:
    require_auditor(principal)
    found = list(audit.events(session=session, incident_id=incident_id_of(database, incident), action=action,
                              actor=actor, after_id=cursor or 0, limit=limit + 1))
    items = [AuditEventOut.model_validate(e) for e in found[:limit]]
    return AuditPage(items=items, next_cursor=items[-1].id if len(found) > limit else None)


@router.get("/verify", response_model=VerifyOut,
            summary="Walk every hash chain; report whether the log is intact and the first break")
def verify(principal: CurrentUser, database: DatabaseDep) -> VerifyOut:
    require_auditor(principal)
    with database.read(snapshot=True) as session:  # one moment, while commands keep appending
        return VerifyOut.model_validate(audit.verify(session=session))


@router.get(
    "/export", response_class=StreamingResponse,
    responses={200: {"description": "One JSON object per line (JSON Lines), in append order.",
                     "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
    summary="Export audit events as JSON Lines, streamed (auditors and administrators)",
)
def export(principal: CurrentUser, database: DatabaseDep, incident: IncidentFilter = None,
           action: ActionFilter = None, actor: ActorFilter = None) -> StreamingResponse:
    require_auditor(principal)
    incident_id = incident_id_of(database, incident)

    def lines() -> Iterator[bytes]:
        # Its own session: the stream outlives the request's dependencies.
        with database.read() as stream_session:
            for event in audit.events(session=stream_session, incident_id=incident_id, action=action,
                                      actor=actor):
                row = AuditEventOut.model_validate(event).model_dump(mode="json")
                yield (json.dumps(row, ensure_ascii=False) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": "attachment; filename=audit.jsonl"})
