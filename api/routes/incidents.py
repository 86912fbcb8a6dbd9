"""Incidents: start, list, state, timeline, messages, seats, and ending one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AfterValidator

from api.commands import CommandDep
from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.messages import TIMELINE_FORBIDDEN
from api.policies import require_oversight, task_filter
from api.schemas.audit import AuditEventOut, AuditPage
from api.schemas.common import (
    COMMAND_ERRORS,
    ERRORS,
    Category,
    Cursor,
    IncidentRef,
    IncidentStatus,
    Level,
    Limit,
    Phase,
    QueryText,
    clean_optional,
)
from api.schemas.incidents import (
    EndIncident,
    IncidentOut,
    IncidentPage,
    IncidentStateOut,
    SeatOnIncident,
    SendMessage,
    StartIncident,
)
from api.schemas.users import SeatOut
from engine import audit, incidents, seats

router = APIRouter(prefix="/incidents", tags=["incidents"])


def resolve_incident(ref: IncidentRef, database: DatabaseDep) -> int:
    """The id behind a reference or id; ids never change, so commands may lock it later."""
    with database.read() as session:
        return incidents.resolve(session=session, ref=ref).id


IncidentId = Annotated[int, Depends(resolve_incident)]


@router.post("", response_model=IncidentOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Report (start) an incident — duty officers and commanders",
             description="The process runs until it waits for people; see `GET /incidents/{ref}`.")
def start(body: StartIncident, command: CommandDep) -> IncidentOut | Response:
    return command.run(lambda s, actor: IncidentOut.model_validate(incidents.start(
        session=s, actor=actor, process_id=body.process_id, title=body.title, category=body.category,
        unit=body.unit, exercise=body.exercise, data=body.data, definition_version=body.definition_version)), body)

@router.get("", response_model=IncidentPage, responses=ERRORS,
            summary="List incidents, newest first, with filters and cursor pagination")
def list_incidents(
    _: CurrentUser, session: SessionDep, cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    phase: Phase | None = None,  # type: ignore[valid-type]
    status: IncidentStatus | None = None,  # type: ignore[valid-type]
    level: Level | None = None,  # type: ignore[valid-type]
    unit: QueryText = None, category: Category | None = None,  # type: ignore[valid-type]
    exercise: bool | None = None,
    text: Annotated[str | None, Query(max_length=200, description="Part of the title or reference."),
                    AfterValidator(clean_optional)] = None,
) -> IncidentPage:
    filters = incidents.IncidentFilter(phase=phase, status=status, response_level=level, unit=unit,
                                       category=category, exercise=exercise, text=text)
    found = incidents.list_incidents(session=session, filters=filters, after_id=cursor, limit=limit + 1)
    items = [IncidentOut.model_validate(i) for i in found[:limit]]
    return IncidentPage(items=items, next_cursor=items[-1].id if len(found) > limit else None)


@router.get("/{ref}", response_model=IncidentStateOut, responses=ERRORS,
            summary="An incident's state: phase, level, open tasks, timers, phase history, commanders")
def show(incident_id: IncidentId, principal: CurrentUser, session: SessionDep) -> IncidentStateOut:
    return IncidentStateOut.of(incidents.state(session=session, incident_id=incident_id),
                               task_filter(session, principal, incident_id),
                               incidents.open_failure(session=session, incident_id=incident_id))


@router.get("/{ref}/timeline", response_model=AuditPage, responses=ERRORS,
            summary="The incident's audit events in order (its commander, auditors, administrators)")
def timeline(incident_id: IncidentId, principal: CurrentUser, session: SessionDep,
             cursor: Cursor = None, limit: Limit = 200) -> AuditPage:
    require_oversight(session, principal, incident_id, TIMELINE_FORBIDDEN)
    found = list(audit.events(session=session, incident_id=incident_id, after_id=cursor or 0, limit=limit + 1))
    items = [AuditEventOut.model_validate(e) for e in found[:limit]]
    return AuditPage(items=items, next_cursor=items[-1].id if len(found) > limit else None)


@router.post("/{ref}/messages", response_model=IncidentOut, responses=COMMAND_ERRORS,
             summary="Send a message to the incident's process (its commander), e.g. `response_over`")
def send_message(incident_id: IncidentId, body: SendMessage, command: CommandDep) -> IncidentOut | Response:
    return command.run(lambda s, actor: IncidentOut.model_validate(incidents.send_message(
        session=s, actor=actor, incident_id=incident_id, name=body.name, payload=body.payload)), body)

@router.post("/{ref}/seats", response_model=SeatOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Seat a user in a role for this incident (its commander or an administrator)")
def seat(incident_id: IncidentId, body: SeatOnIncident, command: CommandDep) -> SeatOut | Response:
    return command.run(lambda s, actor: SeatOut.model_validate(seats.seat(
        session=s, actor=actor, username=body.username, role=body.role, incident_id=incident_id)), body)

@router.post("/{ref}/end", response_model=IncidentOut, responses=COMMAND_ERRORS,
             summary="Cancel or close the incident now, with a reason (its commander)",
             description="Open tasks are cancelled and timers dropped; the process does not continue.")
def end(incident_id: IncidentId, body: EndIncident, command: CommandDep) -> IncidentOut | Response:
    return command.run(lambda s, actor: IncidentOut.model_validate(incidents.end(
        session=s, actor=actor, incident_id=incident_id, reason=body.reason, outcome=body.outcome)), body)
