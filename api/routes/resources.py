"""The preparedness resources register: read by everyone signed in, extended by logistics. Response
tasks reserve in it for their incident (their forms' `reserves` field), tasks draw from it (`draws`,
against their incident's reservation first), replenishment tasks restock it; what an incident still
holds is released when it closes, or by logistics here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy.orm import Session

from api.commands import CommandDep
from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.routes.incidents import IncidentId
from api.schemas.common import COMMAND_ERRORS, ERRORS, MAX_ID, QueryText, ResourceKind
from api.schemas.resources import (
    MovementOut,
    RegisterResource,
    ReleaseReservation,
    ReservationOut,
    ResourceDetail,
    ResourceOut,
)
from engine import registers
from engine.actors import Actor

router = APIRouter(tags=["registers"])


@router.get("/resources", response_model=list[ResourceOut], responses=ERRORS,
            summary="Reserves, equipment, shelters, fire stations and service stations, filtered")
def list_resources(
    _: CurrentUser, session: SessionDep, database: DatabaseDep, unit: QueryText = None,
    kind: ResourceKind | None = None,  # type: ignore[valid-type]
    short: Annotated[bool, Query(description="Only those below their minimum.")] = False,
    expiring: Annotated[bool, Query(description="Only reserves expiring within the notice period.")] = False,
) -> list[ResourceOut]:
    filters = registers.ResourceFilter(
        unit=unit, kind=kind, short=short,
        expiring_by=database.clock.now() + registers.EXPIRY_NOTICE if expiring else None)
    return [ResourceOut.model_validate(r) for r in registers.list_resources(session=session, filters=filters)]


@router.get("/resources/{resource_id}", response_model=ResourceDetail, responses=ERRORS,
            summary="One resource and its latest movements")
def show_resource(resource_id: Annotated[int, Path(ge=1, le=MAX_ID)], _: CurrentUser,
                  session: SessionDep) -> ResourceDetail:
    resource = registers.get_resource(session=session, resource_id=resource_id)
    held = [ReservationOut.of(h) for h in registers.holdings(session=session, resource_id=resource_id)]
    moved = [MovementOut.model_validate(m) for m in registers.movements(session=session, resource_id=resource_id)]
    return ResourceDetail.model_validate({**ResourceOut.model_validate(resource).model_dump(), "reservations": held,
                                          "movements": moved})


@router.get("/incidents/{ref}/reservations", response_model=list[ReservationOut], responses=ERRORS,
            summary="What an incident holds of the register (预留), drew against it and gave back")
def incident_reservations(incident_id: IncidentId, _: CurrentUser, session: SessionDep) -> list[ReservationOut]:
    return [ReservationOut.of(h) for h in registers.holdings(session=session, incident_id=incident_id)]


@router.post("/reservations/{reservation_id}/release", response_model=ReservationOut, responses=COMMAND_ERRORS,
             summary="Give back what an incident holds and will not need: all of it, or a quantity (logistics)")
def release_reservation(reservation_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: ReleaseReservation,
                        command: CommandDep) -> ReservationOut | Response:
    def release(session: Session, actor: Actor) -> ReservationOut:
        registers.release(session=session, actor=actor, reservation_id=reservation_id, **body.model_dump())
        return ReservationOut.of(registers.holdings(session=session, reservation_id=reservation_id)[0])

    return command.run(release, body)


@router.post("/resources", response_model=ResourceOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Register a resource (logistics)")
def register_resource(body: RegisterResource, command: CommandDep) -> ResourceOut | Response:
    return command.run(lambda s, actor: ResourceOut.model_validate(
        registers.register(session=s, actor=actor, **body.model_dump())), body)
