"""The one SpiffWorkflow serializer registry of the engine.

SpiffWorkflow's default config cannot convert the spiff task specs our parser produces, so the
registry is configured with the spiff config. Task and workflow data may hold `Decimal` and
`date` values (form input, decision tables); both are registered so they round-trip exactly
instead of being silently turned into floats or strings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG

__all__ = ["REGISTRY", "SERIALIZER"]


def _decimal_to_dict(value: Decimal) -> dict[str, Any]:
    return {"value": str(value)}


def _decimal_from_dict(dct: dict[str, Any]) -> Decimal:
    return Decimal(dct["value"])


def _date_to_dict(value: date) -> dict[str, Any]:
    return {"value": value.isoformat()}


def _date_from_dict(dct: dict[str, Any]) -> date:
    return date.fromisoformat(dct["value"])


REGISTRY: DefaultRegistry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
# The registry looks types up by exact class, so registering `date` leaves `datetime` (a
# subclass, already registered by SpiffWorkflow) untouched.
REGISTRY.register(Decimal, _decimal_to_dict, _decimal_from_dict)
REGISTRY.register(date, _date_to_dict, _date_from_dict)

SERIALIZER = BpmnWorkflowSerializer(REGISTRY)
