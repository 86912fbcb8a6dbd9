"""The preparedness resources register: reserves (物资), equipment, shelters (避难场所), micro fire
stations (微型消防站) and the community emergency service station — what incidents hold of them
(预留), and every movement of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class Resource(Base):
    """One line of the register. `quantity` is what is held (a shelter's places, a station's kits);
    `in_use` what is deployed or occupied; `reserved` what incidents hold for themselves (预留) and
    nobody else may draw or reserve. A draw consumes a reserve and occupies the others."""

    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_unit_kind", "unit", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int]
    in_use: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Below this much available, logistics gets a task to replenish.
    minimum: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    #: The open replenishment process raised for it (a shortage or an expiry), if any.
    replenishment_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]

    @property
    def available(self) -> int:
        return self.quantity - self.in_use - self.reserved

    @property
    def short(self) -> bool:
        return self.available < self.minimum


class ResourceMovement(Base):
    """What changed a resource's figures, by whom, in which process: never changed afterwards."""

    __tablename__ = "resource_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    #: registered | reserved | drawn | released | restocked
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int]
    available_after: Mapped[int]
    reserved_after: Mapped[int] = mapped_column(default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    moved_by: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[datetime]


class ResourceReservation(Base):
    """What one incident holds of one resource (预留): reserved by a response task, drawn against
    by its later tasks, and what is left released when the incident closes or by logistics.
    `held` is still reserved; `drawn` and `released` say where the rest went."""

    __tablename__ = "resource_reservations"
    __table_args__ = (UniqueConstraint("resource_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    held: Mapped[int]
    drawn: Mapped[int] = mapped_column(default=0)
    released: Mapped[int] = mapped_column(default=0)
    reserved_by: Mapped[str] = mapped_column(String(64))
    reserved_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def reserved(self) -> int:
        """Everything ever reserved: still held, drawn against, or released."""
        return self.held + self.drawn + self.released
