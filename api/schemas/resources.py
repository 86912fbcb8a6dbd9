"""The preparedness resources register, what incidents hold of it (预留), and its movements."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from api.schemas.common import RequestModel, ResourceKind, ResponseModel, text
from engine.registers import Holding


class RegisterResource(RequestModel):
    kind: ResourceKind = Field(description="reserve (consumed when drawn) | equipment | shelter | fire_station | "  # type: ignore[valid-type]
                                           "service_station (occupied when drawn).")
    name: text(200, 1)  # type: ignore[valid-type]
    unit: text(200, 1) = Field(description="The governance unit that holds it.")  # type: ignore[valid-type]
    location: text(300, 1)  # type: ignore[valid-type]
    measure: text(32, 1) = Field(description="What a quantity counts: bags, kits, places, …")  # type: ignore[valid-type]
    quantity: int = Field(ge=0, le=1_000_000, description="Held (a shelter's places).")
    in_use: int = Field(0, ge=0, le=1_000_000, description="Deployed or occupied now.")
    minimum: int = Field(0, ge=0, le=1_000_000, description="Below this much available, logistics gets a task.")
    expires_at: AwareDatetime | None = Field(None, description="For reserves with a shelf life.")


class ResourceOut(ResponseModel):
    id: int = Field(description="The register number tasks draw by.")
    kind: str
    name: str
    unit: str
    location: str
    measure: str
    quantity: int
    in_use: int
    reserved: int = Field(description="Held for incidents: drawn only by the incident holding it.")
    available: int = Field(description="quantity − in_use − reserved: what any task may draw or reserve.")
    minimum: int
    short: bool = Field(description="Available below the minimum.")
    expires_at: datetime | None
    replenishment_incident_id: int | None = Field(description="The open replenishment process, if any.")
    updated_at: datetime


class MovementOut(ResponseModel):
    id: int
    incident_id: int | None
    kind: str = Field(description="registered | reserved | drawn | released | restocked")
    quantity: int
    available_after: int
    reserved_after: int
    note: str | None
    moved_by: str
    moved_at: datetime


class ReservationOut(ResponseModel):
    """What one incident holds of one resource: reserved by a response task, drawn against by its
    later tasks, the rest released when it closes (or by logistics)."""

    id: int
    resource_id: int
    resource_name: str
    measure: str
    incident_id: int
    incident_reference: str
    held: int = Field(description="Still reserved: only this incident's tasks may draw it.")
    drawn: int = Field(description="Drawn by the incident's tasks out of the reservation.")
    released: int = Field(description="Given back: when the incident closed, or by logistics.")
    reserved_by: str
    reserved_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, holding: Holding) -> ReservationOut:
        r = holding.reservation
        return cls(id=r.id, resource_id=r.resource_id, resource_name=holding.resource.name,
                   measure=holding.resource.measure, incident_id=r.incident_id,
                   incident_reference=holding.incident.reference, held=r.held, drawn=r.drawn, released=r.released,
                   reserved_by=r.reserved_by, reserved_at=r.reserved_at, updated_at=r.updated_at)


class ReleaseReservation(RequestModel):
    quantity: int | None = Field(None, ge=1, le=1_000_000, description="How much to give back; all still held if "
                                                                       "left out.")
    note: text(500) | None = None  # type: ignore[valid-type]


class ResourceDetail(ResourceOut):
    reservations: list[ReservationOut] = Field(description="What incidents hold of it, those still holding first.")
    movements: list[MovementOut]
