"""Checks for operator parameters: they come from a model's expressions, so each is checked
here like any other input and refused with the parameter's name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidInput


def text(params: Mapping[str, Any], name: str, *, limit: int = 4000, optional: bool = False) -> str | None:
    value = params.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"operator parameter '{name}' must be non-empty text", fields={name: "required text"})
    if len(value) > limit:
        raise InvalidInput(f"operator parameter '{name}' is too long", fields={name: f"at most {limit} characters"})
    return value.strip()


def choice(params: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = params.get(name)
    if value not in choices:
        raise InvalidInput(f"operator parameter '{name}' must be one of {', '.join(choices)}",
                           fields={name: f"one of {', '.join(choices)}"})
    return str(value)


def integer(params: Mapping[str, Any], name: str, *, low: int = 0, high: int = 3650) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"operator parameter '{name}' must be a whole number from {low} to {high}",
                           fields={name: f"whole number {low}–{high}"})
    return value


def items(params: Mapping[str, Any], name: str, *, limit: int = 500) -> list[Mapping[str, Any]]:
    value = params.get(name)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(f"operator parameter '{name}' must be a list of objects", fields={name: "list of objects"})
    if len(value) > limit:
        raise InvalidInput(f"operator parameter '{name}' has too many items", fields={name: f"at most {limit}"})
    return value
