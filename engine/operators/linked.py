"""Linked instances: a process starting another (an early warning becoming an incident, a risk
assessment starting the screening it points to)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidInput
from engine.messages import OPERATOR_OBJECT, OPERATOR_OBJECT_FIELD
from engine.operators.params import choice, text
from engine.operators.registry import Context, operator
from forms.vocabulary import CATEGORIES


@operator("start_incident")
def start_incident(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Start an incident_lifecycle linked to this process (an early warning becoming an incident)."""
    data = params.get("data") or {}
    if not isinstance(data, Mapping):
        raise InvalidInput(OPERATOR_OBJECT, name="data", fields={"data": OPERATOR_OBJECT_FIELD()})
    child = ctx.start_instance(
        process_id="incident_lifecycle", title=text(params, "title", limit=200) or "",
        category=choice(params, "category", CATEGORIES), unit=text(params, "unit", limit=200) or "",
        exercise=bool(params.get("exercise", False)), data=dict(data),
    )
    return {"reference": child.reference, "incident_id": child.id}


@operator("start_screening")
def start_screening(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Start a hazard screening linked to this process (what a risk assessment points to, on site)."""
    child = ctx.start_instance(
        process_id="hazard_screening", title=text(params, "title", limit=200) or "",
        category=choice(params, "category", CATEGORIES), unit=text(params, "unit", limit=200) or "",
        exercise=ctx.incident.exercise, data={},
    )
    return {"reference": child.reference, "incident_id": child.id}
