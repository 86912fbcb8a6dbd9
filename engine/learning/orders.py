"""The orders a decision gives (临场指挥决策权 includes 指挥有关部门直接行动): each names a seat, an
instruction and a due time, and is checked with the decision it belongs to. Sending them into the
incident's workflow, where each becomes a task for its seat, is `engine.incidents.orders`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.learning.fields import checked_text
from engine.messages import ORDER_DUE_FORMAT, ORDER_DUE_PAST, ORDERS_FORMAT, ORDERS_LIMIT
from forms.i18n import one_of
from forms.messages import FIELD_REQUIRED, Message
from forms.vocabulary import ORDER_SEATS

LIMIT = 10


@dataclass(frozen=True)
class OrderDraft:
    seat: str
    instruction: str
    due_at: datetime


def _moment(value: Any) -> datetime | None:
    """A timezone-aware moment from a datetime or an ISO-8601 text; None when it has no zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return value.astimezone(UTC)


def _one(fields: dict[str, Message], name: str, item: Any, now: datetime) -> OrderDraft | None:
    if not isinstance(item, Mapping):
        fields[name] = ORDERS_FORMAT()
        return None
    seat = item.get("seat")
    if not seat:
        fields[f"{name}.seat"] = FIELD_REQUIRED()
    elif seat not in ORDER_SEATS:
        fields[f"{name}.seat"] = one_of(ORDER_SEATS, kind="role")
    instruction = checked_text(fields, f"{name}.instruction", item.get("instruction"))
    due_at = _moment(item.get("due_at"))
    if item.get("due_at") in (None, ""):
        fields[f"{name}.due_at"] = FIELD_REQUIRED()
    elif due_at is None:
        fields[f"{name}.due_at"] = ORDER_DUE_FORMAT()
    elif due_at <= now:
        fields[f"{name}.due_at"] = ORDER_DUE_PAST()
    if seat in ORDER_SEATS and instruction and due_at is not None and due_at > now:
        return OrderDraft(seat=str(seat), instruction=instruction, due_at=due_at)
    return None


def check(fields: dict[str, Message], orders: Any, *, now: datetime) -> list[OrderDraft]:
    """The orders, each field's problem noted as `orders.<n>.<field>` in `fields`."""
    if orders is None:
        return []
    if not isinstance(orders, list):
        fields["orders"] = ORDERS_FORMAT()
        return []
    if len(orders) > LIMIT:
        fields["orders"] = ORDERS_LIMIT(limit=LIMIT)
        return []
    drafts = [_one(fields, f"orders.{n}", item, now) for n, item in enumerate(orders)]
    return [d for d in drafts if d is not None]
