"""Resources operators: the replenishment task restocks (or rotates) what a shortage or an expiry
raised it for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from engine import registers
from engine.errors import InvalidInput
from engine.messages import OPERATOR_TEXT, OPERATOR_TEXT_FIELD
from engine.operators.params import integer, text
from engine.operators.registry import Context, operator


def _expiry(params: Mapping[str, Any]) -> datetime | None:
    value = text(params, "expires_on", optional=True, limit=10)
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput(OPERATOR_TEXT, name="expires_on", fields={"expires_on": OPERATOR_TEXT_FIELD()}) from exc


@operator("restock_resource")
def restock_resource(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    resource = registers.restock(
        session=ctx.session, actor=ctx.actor, resource_id=integer(params, "resource_id", low=1, high=2**31),
        quantity=integer(params, "quantity", low=0, high=1_000_000),
        released=integer(params, "released", low=0, high=1_000_000), expires_at=_expiry(params),
        incident_id=ctx.incident.id, note=text(params, "note", optional=True, limit=1000))
    return {"resource_id": resource.id, "available": resource.available}
