"""The preparedness resources register: what a community holds before it needs it.

Quantities change only inside a command's transaction — a task that draws (engine.tasks), the
replenishment task that restocks (engine.operators), logistics registering stock — each with a
movement row and an audit event, so a draw refused for want of stock changes nothing at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, seats
from engine.actors import Actor
from engine.db import is_postgres, now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import RESOURCE_MANAGERS_ONLY, RESOURCE_NOT_FOUND, RESOURCE_SHORT, RESOURCE_SHORT_FIELD
from engine.models import Resource, ResourceMovement
from forms.vocabulary import CONSUMED_KINDS, EXPIRY_NOTICE_DAYS, LOGISTICS

#: How far ahead of its expiry a reserve is rotated.
EXPIRY_NOTICE = timedelta(days=EXPIRY_NOTICE_DAYS)


@dataclass(frozen=True)
class ResourceFilter:
    unit: str | None = None
    kind: str | None = None
    short: bool = False  # only those below their minimum
    expiring_by: datetime | None = None  # only reserves expiring before this time


def list_resources(*, session: Session, filters: ResourceFilter | None = None, limit: int = 200) -> list[Resource]:
    f = filters or ResourceFilter()
    query = select(Resource).order_by(Resource.unit, Resource.kind, Resource.name).limit(max(1, min(limit, 500)))
    if f.unit is not None:
        query = query.where(Resource.unit == f.unit)
    if f.kind is not None:
        query = query.where(Resource.kind == f.kind)
    if f.short:
        query = query.where(Resource.quantity - Resource.in_use < Resource.minimum)
    if f.expiring_by is not None:
        query = query.where(Resource.expires_at.is_not(None), Resource.expires_at < f.expiring_by)
    return list(session.scalars(query))


def get_resource(*, session: Session, resource_id: int, lock: bool = False) -> Resource:
    query = select(Resource).where(Resource.id == resource_id)
    if lock and is_postgres(session):
        query = query.with_for_update()
    resource = session.scalars(query).first()
    if resource is None:
        raise NotFound(RESOURCE_NOT_FOUND, resource_id=resource_id)
    return resource


def movements(*, session: Session, resource_id: int, limit: int = 100) -> list[ResourceMovement]:
    return list(session.scalars(select(ResourceMovement).where(ResourceMovement.resource_id == resource_id)
                                .order_by(ResourceMovement.id.desc()).limit(limit)))


def _move(session: Session, resource: Resource, *, kind: str, quantity: int, actor: Actor,
          incident_id: int | None, note: str | None) -> None:
    moment = now(session)
    resource.updated_at = moment
    session.add(ResourceMovement(resource_id=resource.id, incident_id=incident_id, kind=kind, quantity=quantity,
                                 available_after=resource.available, note=note, moved_by=actor.username,
                                 moved_at=moment))
    audit.record(session=session, actor=actor.username, action=f"resource_{kind}", incident_id=incident_id,
                 payload={"resource_id": resource.id, "name": resource.name, "unit": resource.unit,
                          "quantity": quantity, "available": resource.available, "note": note})


def register(*, session: Session, actor: Actor, kind: str, name: str, unit: str, location: str, measure: str,
             quantity: int, minimum: int, in_use: int = 0, expires_at: datetime | None = None) -> Resource:
    """A new line of the register, by logistics (kinds and bounds checked by the caller's schema)."""
    if not (actor.is_admin or seats.holds(session=session, actor=actor, role=LOGISTICS, incident_id=None)):
        raise Forbidden(RESOURCE_MANAGERS_ONLY)
    resource = Resource(kind=kind, name=name, unit=unit, location=location, measure=measure, quantity=quantity,
                        in_use=in_use, minimum=minimum, expires_at=expires_at, created_by=actor.username,
                        updated_at=now(session))
    session.add(resource)
    session.flush()
    _move(session, resource, kind="registered", quantity=quantity, actor=actor, incident_id=None, note=None)
    return resource


def draw(*, session: Session, actor: Actor, incident_id: int, items: Sequence[Mapping[str, Any]],
         field: str) -> list[Resource]:
    """Draw every item or none: a reserve is consumed, a shelter's places or equipment occupied.
    Returns the resources now below their minimum (for the caller to raise a replenishment)."""
    wanted: list[tuple[int, Resource, int, str | None]] = []
    for index, item in enumerate(items):
        resource = get_resource(session=session, resource_id=int(item["resource_id"]), lock=True)
        asked = int(item["quantity"])
        already = sum(q for _, r, q, _ in wanted if r.id == resource.id)
        if asked + already > resource.available:
            raise InvalidInput(RESOURCE_SHORT, asked=asked, measure=resource.measure, name=resource.name,
                               available=resource.available - already,
                               fields={f"{field}.{index}.quantity":
                                       RESOURCE_SHORT_FIELD(available=resource.available - already)})
        wanted.append((index, resource, asked, item.get("note")))
    for _, resource, asked, note in wanted:
        if resource.kind in CONSUMED_KINDS:
            resource.quantity -= asked
        else:
            resource.in_use += asked
        _move(session, resource, kind="drawn", quantity=asked, actor=actor, incident_id=incident_id, note=note)
    return [r for r in {r.id: r for _, r, _, _ in wanted}.values() if r.available < r.minimum]


def restock(*, session: Session, actor: Actor, resource_id: int, quantity: int, incident_id: int | None,
            released: int = 0, expires_at: datetime | None = None, note: str | None = None) -> Resource:
    """Add stock (and return what came back into use); a new expiry for rotated reserves."""
    resource = get_resource(session=session, resource_id=resource_id, lock=True)
    resource.quantity += quantity
    resource.in_use = max(0, resource.in_use - released)
    if expires_at is not None:
        resource.expires_at = expires_at
    resource.replenishment_incident_id = None
    _move(session, resource, kind="restocked", quantity=quantity, actor=actor, incident_id=incident_id, note=note)
    return resource


def needing_rotation(*, session: Session, moment: datetime) -> list[Resource]:
    """Reserves expiring within the notice period that no replenishment is open for yet."""
    return list(session.scalars(select(Resource).where(
        Resource.expires_at.is_not(None), Resource.expires_at < moment + EXPIRY_NOTICE,
        Resource.replenishment_incident_id.is_(None)).order_by(Resource.expires_at)))
