"""The preparedness resources register and its movements."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from api.schemas.common import RequestModel, ResourceKind, ResponseModel, text


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
    available: int
    minimum: int
    short: bool = Field(description="Available below the minimum.")
    expires_at: datetime | None
    replenishment_incident_id: int | None = Field(description="The open replenishment process, if any.")
    updated_at: datetime


class MovementOut(ResponseModel):
    id: int
    incident_id: int | None
    kind: str = Field(description="registered | drawn | restocked")
    quantity: int
    available_after: int
    note: str | None
    moved_by: str
    moved_at: datetime


class ResourceDetail(ResourceOut):
    movements: list[MovementOut]
