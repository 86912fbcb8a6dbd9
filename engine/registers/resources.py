"""The preparedness resources register: what a community holds before it needs it.

Quantities change only inside a command's transaction — a response task that reserves for its
incident (预留), a task that draws (against its incident's reservation first), the incident's
close that releases what it still holds, logistics releasing by hand, the replenishment task that
restocks — each with a movement row and an audit event, so a reservation or a draw refused for want
of stock changes nothing at all. What others may draw or reserve is `quantity − in_use − reserved`.

Every change locks the resource rows it touches (in id order, so two commands never deadlock on
them), after the incident it is made for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, seats
from engine.actors import Actor
from engine.db import is_postgres, now
from engine.db.locking import hold_incident
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import (
    RESERVATION_NOT_FOUND,
    RESERVATION_RELEASE_FIELD,
    RESERVATION_RELEASE_MORE,
    RESOURCE_MANAGERS_ONLY,
    RESOURCE_NOT_FOUND,
    RESOURCE_RESERVE_SHORT,
    RESOURCE_SHORT,
    RESOURCE_SHORT_FIELD,
    RESOURCE_UNKNOWN_FIELD,
)
from engine.models import Incident, Resource, ResourceMovement, ResourceReservation
from forms.messages import Template
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
        query = query.where(Resource.quantity - Resource.in_use - Resource.reserved < Resource.minimum)
    if f.expiring_by is not None:
        query = query.where(Resource.expires_at.is_not(None), Resource.expires_at < f.expiring_by)
    return list(session.scalars(query))


def get_resource(*, session: Session, resource_id: int, lock: bool = False) -> Resource:
    found = _locked(session, [resource_id]) if lock else {resource_id: session.get(Resource, resource_id)}
    resource = found.get(resource_id)
    if resource is None:
        raise NotFound(RESOURCE_NOT_FOUND, resource_id=resource_id)
    return resource


def _locked(session: Session, ids: Iterable[int]) -> dict[int, Resource]:
    """The resources of `ids`, read afresh and locked in id order (on PostgreSQL; SQLite's writers
    are serialised already)."""
    query = (select(Resource).where(Resource.id.in_(sorted(set(ids)))).order_by(Resource.id)
             .execution_options(populate_existing=True))
    if is_postgres(session):
        query = query.with_for_update(key_share=True)
    return {r.id: r for r in session.scalars(query)}


def movements(*, session: Session, resource_id: int, limit: int = 100) -> list[ResourceMovement]:
    return list(session.scalars(select(ResourceMovement).where(ResourceMovement.resource_id == resource_id)
                                .order_by(ResourceMovement.id.desc()).limit(limit)))


def _move(session: Session, resource: Resource, *, kind: str, quantity: int, actor: Actor,
          incident_id: int | None, note: str | None, **extra: Any) -> None:
    moment = now(session)
    resource.updated_at = moment
    session.add(ResourceMovement(resource_id=resource.id, incident_id=incident_id, kind=kind, quantity=quantity,
                                 available_after=resource.available, reserved_after=resource.reserved, note=note,
                                 moved_by=actor.username, moved_at=moment))
    audit.record(session=session, actor=actor.username, action=f"resource_{kind}", incident_id=incident_id,
                 payload={"resource_id": resource.id, "name": resource.name, "unit": resource.unit,
                          "quantity": quantity, "measure": resource.measure, "available": resource.available,
                          "reserved": resource.reserved, "note": note, **extra})


def _require_manager(session: Session, actor: Actor) -> None:
    if not (actor.is_admin or seats.holds(session=session, actor=actor, role=LOGISTICS, incident_id=None)):
        raise Forbidden(RESOURCE_MANAGERS_ONLY)


def register(*, session: Session, actor: Actor, kind: str, name: str, unit: str, location: str, measure: str,
             quantity: int, minimum: int, in_use: int = 0, expires_at: datetime | None = None) -> Resource:
    """A new line of the register, by logistics (kinds and bounds checked by the caller's schema)."""
    _require_manager(session, actor)
    resource = Resource(kind=kind, name=name, unit=unit, location=location, measure=measure, quantity=quantity,
                        in_use=in_use, reserved=0, minimum=minimum, expires_at=expires_at,
                        created_by=actor.username, updated_at=now(session))
    session.add(resource)
    session.flush()
    _move(session, resource, kind="registered", quantity=quantity, actor=actor, incident_id=None, note=None)
    return resource


Wanted = list[tuple[Resource, int, str | None]]


def _within(session: Session, items: Sequence[Mapping[str, Any]], *, field: str, refusal: Template,
            room: Callable[[Resource], int]) -> Wanted:
    """Lock what the items name and check each fits the room left for it (the lines of one task
    naming the same resource count together); the first that does not is refused, naming its field."""
    resources = _locked(session, (int(item["resource_id"]) for item in items))
    wanted: Wanted = []
    for index, item in enumerate(items):
        resource = resources.get(int(item["resource_id"]))
        if resource is None:  # a mistyped register number: named, like a shortage
            raise InvalidInput(RESOURCE_NOT_FOUND, resource_id=int(item["resource_id"]),
                               fields={f"{field}.{index}.resource_id": RESOURCE_UNKNOWN_FIELD()})
        asked = int(item["quantity"])
        left = room(resource) - sum(q for r, q, _ in wanted if r.id == resource.id)
        if asked > left:
            raise InvalidInput(refusal, asked=asked, measure=resource.measure, name=resource.name, available=left,
                               fields={f"{field}.{index}.quantity": RESOURCE_SHORT_FIELD(available=left)})
        wanted.append((resource, asked, item.get("note")))
    return wanted


def _short(wanted: Wanted) -> list[Resource]:
    return [r for r in {r.id: r for r, _, _ in wanted}.values() if r.short]


def _reservations(session: Session, incident_id: int, resource_ids: Iterable[int]) -> dict[int, ResourceReservation]:
    """The incident's reservations of these resources, by resource id."""
    query = (select(ResourceReservation).where(ResourceReservation.incident_id == incident_id,
                                               ResourceReservation.resource_id.in_(sorted(set(resource_ids))))
             .execution_options(populate_existing=True))
    return {r.resource_id: r for r in session.scalars(query)}


def reserve(*, session: Session, actor: Actor, incident_id: int, items: Sequence[Mapping[str, Any]],
            field: str) -> list[Resource]:
    """Hold every item for the incident, or none: no other incident may draw or reserve it until
    this one draws it or lets it go. Returns the resources now below their minimum."""
    wanted = _within(session, items, field=field, refusal=RESOURCE_RESERVE_SHORT, room=lambda r: r.available)
    held = _reservations(session, incident_id, (r.id for r, _, _ in wanted))
    moment = now(session)
    for resource, asked, note in wanted:
        reservation = held.get(resource.id)
        if reservation is None:
            reservation = held[resource.id] = ResourceReservation(
                resource_id=resource.id, incident_id=incident_id, held=0, drawn=0, released=0,
                reserved_by=actor.username, reserved_at=moment)
            session.add(reservation)
        reservation.held += asked
        reservation.updated_at = moment
        resource.reserved += asked
        _move(session, resource, kind="reserved", quantity=asked, actor=actor, incident_id=incident_id, note=note)
    return _short(wanted)


def draw(*, session: Session, actor: Actor, incident_id: int, items: Sequence[Mapping[str, Any]],
         field: str) -> list[Resource]:
    """Draw every item or none: a reserve is consumed, a shelter's places or equipment occupied —
    first out of what the incident reserved, then out of what is available to all.
    Returns the resources now below their minimum (for the caller to raise a replenishment)."""
    if not items:
        return []
    # Only commands holding the incident change its reservations: they are as read here.
    held = _reservations(session, incident_id, (int(item["resource_id"]) for item in items))
    wanted = _within(session, items, field=field, refusal=RESOURCE_SHORT,
                     room=lambda r: r.available + (held[r.id].held if r.id in held else 0))
    for resource, asked, note in wanted:
        reservation = held.get(resource.id)
        covered = min(asked, reservation.held) if reservation is not None else 0
        if reservation is not None and covered:
            reservation.held -= covered
            reservation.drawn += covered
            reservation.updated_at = now(session)
            resource.reserved -= covered
        if resource.kind in CONSUMED_KINDS:
            resource.quantity -= asked
        else:
            resource.in_use += asked
        _move(session, resource, kind="drawn", quantity=asked, actor=actor, incident_id=incident_id, note=note,
              from_reserved=covered)
    return _short(wanted)


def _give_back(session: Session, actor: Actor, resource: Resource, reservation: ResourceReservation, quantity: int,
               note: str | None) -> None:
    reservation.held -= quantity
    reservation.released += quantity
    reservation.updated_at = now(session)
    resource.reserved -= quantity
    _move(session, resource, kind="released", quantity=quantity, actor=actor, incident_id=reservation.incident_id,
          note=note)


def release_held(*, session: Session, actor: Actor, incident_id: int) -> list[ResourceReservation]:
    """What the incident still holds goes back to everyone: called as it closes (inside the
    command that closes it, the incident locked)."""
    ids = session.scalars(select(ResourceReservation.resource_id).where(
        ResourceReservation.incident_id == incident_id, ResourceReservation.held > 0)).all()
    if not ids:
        return []
    resources = _locked(session, ids)
    released = [r for r in _reservations(session, incident_id, ids).values() if r.held > 0]
    for reservation in sorted(released, key=lambda r: r.resource_id):
        _give_back(session, actor, resources[reservation.resource_id], reservation, reservation.held, note=None)
    return released


def release(*, session: Session, actor: Actor, reservation_id: int, quantity: int | None = None,
            note: str | None = None) -> ResourceReservation:
    """Logistics gives back what an incident holds and will not need: all of it, or `quantity`."""
    _require_manager(session, actor)
    reservation = get_reservation(session=session, reservation_id=reservation_id)
    hold_incident(session, reservation.incident_id)  # the incident before the resource, as its commands do
    resource = get_resource(session=session, resource_id=reservation.resource_id, lock=True)
    session.refresh(reservation)
    asked = reservation.held if quantity is None else quantity
    if asked > reservation.held:
        raise InvalidInput(RESERVATION_RELEASE_MORE, asked=asked, measure=resource.measure, name=resource.name,
                           held=reservation.held, fields={"quantity": RESERVATION_RELEASE_FIELD(held=reservation.held)})
    if asked:
        _give_back(session, actor, resource, reservation, asked, note)
    return reservation


def get_reservation(*, session: Session, reservation_id: int) -> ResourceReservation:
    reservation = session.get(ResourceReservation, reservation_id)
    if reservation is None:
        raise NotFound(RESERVATION_NOT_FOUND, reservation_id=reservation_id)
    return reservation


@dataclass(frozen=True)
class Holding:
    """A reservation as the pages and the API show it: with its resource and its incident."""

    reservation: ResourceReservation
    resource: Resource
    incident: Incident


def holdings(*, session: Session, resource_id: int | None = None, incident_id: int | None = None,
             reservation_id: int | None = None, limit: int = 200) -> list[Holding]:
    """The reservations of a resource (by incident) or of an incident (by resource), or one, those
    still holding something first."""
    query = (select(ResourceReservation, Resource, Incident)
             .join(Resource, Resource.id == ResourceReservation.resource_id)
             .join(Incident, Incident.id == ResourceReservation.incident_id)
             .order_by(ResourceReservation.held == 0, ResourceReservation.id.desc()).limit(limit))
    if resource_id is not None:
        query = query.where(ResourceReservation.resource_id == resource_id)
    if incident_id is not None:
        query = query.where(ResourceReservation.incident_id == incident_id)
    if reservation_id is not None:
        query = query.where(ResourceReservation.id == reservation_id)
    return [Holding(*row) for row in session.execute(query).all()]


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
