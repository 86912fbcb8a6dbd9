"""Command operators: seat the on-scene commander. (The fault-tolerance record is in rulings.py.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from engine import audit, seats
from engine.db import now
from engine.errors import InvalidInput
from engine.messages import (
    COMMAND_SEAT,
    COMMAND_SEAT_FIELD,
    SEAT_MUST_HOLD,
    SEAT_NOT_HELD,
)
from engine.models import RoleAssignment
from engine.operators.params import text
from engine.operators.registry import Context, operator


@operator("seat_commander")
def seat_commander(ctx: Context, params: Mapping[str, Any]) -> dict[str, str]:
    """Seat the on-scene commander chosen for the level; re-seating replaces the previous one."""
    username = text(params, "username", limit=64)
    seat = text(params, "seat", limit=64)
    assert username is not None and seat is not None
    if not seat.endswith("_commander"):
        raise InvalidInput(COMMAND_SEAT, fields={"seat": COMMAND_SEAT_FIELD(seat=seat)})
    user = seats.get_user(session=ctx.session, username=username)
    if seat not in seats.roles_of(session=ctx.session, user_id=user.id):
        raise InvalidInput(SEAT_NOT_HELD, username=username, role=seat, fields={"username": SEAT_MUST_HOLD(role=seat)})
    ctx.session.execute(delete(RoleAssignment).where(
        RoleAssignment.incident_id == ctx.incident.id, RoleAssignment.role == seats.COMMANDER,
        RoleAssignment.user_id != user.id))
    already = ctx.session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.incident_id == ctx.incident.id, RoleAssignment.role == seats.COMMANDER,
        RoleAssignment.user_id == user.id))
    if already is None:
        ctx.session.add(RoleAssignment(user_id=user.id, role=seats.COMMANDER, incident_id=ctx.incident.id,
                                       granted_by=ctx.actor.username, granted_at=now(ctx.session)))
    audit.record(session=ctx.session, actor=ctx.actor.username, action="commander_seated",
                 incident_id=ctx.incident.id, payload={"username": username, "seat": seat})
    return {"username": username, "seat": seat}
