"""Checks for operator parameters: they come from a model's expressions, so each is checked
here like any other input and refused with the parameter's name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidInput
from engine.messages import (
    OPERATOR_CHOICE,
    OPERATOR_CHOICE_FIELD,
    OPERATOR_INTEGER,
    OPERATOR_INTEGER_FIELD,
    OPERATOR_ITEMS,
    OPERATOR_ITEMS_FIELD,
    OPERATOR_TEXT,
    OPERATOR_TEXT_FIELD,
    OPERATOR_TOO_LONG,
    OPERATOR_TOO_MANY,
    OPERATOR_TOO_MANY_FIELD,
)
from forms.messages import FIELD_AT_MOST_CHARACTERS


def text(params: Mapping[str, Any], name: str, *, limit: int = 4000, optional: bool = False) -> str | None:
    value = params.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(OPERATOR_TEXT, name=name, fields={name: OPERATOR_TEXT_FIELD()})
    if len(value) > limit:
        raise InvalidInput(OPERATOR_TOO_LONG, name=name, fields={name: FIELD_AT_MOST_CHARACTERS(limit=limit)})
    return value.strip()


def choice(params: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = params.get(name)
    if value not in choices:
        listed = ", ".join(choices)
        raise InvalidInput(OPERATOR_CHOICE, name=name, choices=listed,
                           fields={name: OPERATOR_CHOICE_FIELD(choices=listed)})
    return str(value)


def integer(params: Mapping[str, Any], name: str, *, low: int = 0, high: int = 3650) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(OPERATOR_INTEGER, name=name, low=low, high=high,
                           fields={name: OPERATOR_INTEGER_FIELD(low=low, high=high)})
    return value


def items(params: Mapping[str, Any], name: str, *, limit: int = 500) -> list[Mapping[str, Any]]:
    value = params.get(name)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(OPERATOR_ITEMS, name=name, fields={name: OPERATOR_ITEMS_FIELD()})
    if len(value) > limit:
        raise InvalidInput(OPERATOR_TOO_MANY, name=name, fields={name: OPERATOR_TOO_MANY_FIELD(limit=limit)})
    return value
