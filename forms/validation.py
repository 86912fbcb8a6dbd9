"""Task forms: one JSON Schema (Draft 2020-12) per form key, in ``forms/schemas/<form_key>.json``.

``validate()`` answers with *every* problem as ``{field_path: short message}``; ``coerce()`` turns
the strings an HTML form posts into the typed values the schema asks for. Nothing here knows
about the engine or HTTP.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from forms.i18n import one_of
from forms.messages import (
    FIELD_ABOVE,
    FIELD_BELOW,
    FIELD_BOOLEAN,
    FIELD_CONST,
    FIELD_DATE,
    FIELD_FORMAT,
    FIELD_INTEGER,
    FIELD_INVALID,
    FIELD_LIST,
    FIELD_MAX_ITEMS,
    FIELD_MAX_LENGTH,
    FIELD_MAXIMUM,
    FIELD_MIN_ITEMS,
    FIELD_MIN_LENGTH,
    FIELD_MINIMUM,
    FIELD_MULTIPLE_OF,
    FIELD_NOT_EMPTY,
    FIELD_NULL,
    FIELD_NUMBER,
    FIELD_OBJECT,
    FIELD_PATTERN,
    FIELD_REQUIRED,
    FIELD_TEXT,
    FIELD_TYPES,
    FIELD_UNIQUE_ITEMS,
    FIELD_UNKNOWN,
    Message,
)
from forms.vocabulary import ENUMS

__all__ = [
    "CONFIRMATION_FORM",
    "SCHEMA_DIR",
    "FormNotFound",
    "available_form_keys",
    "coerce",
    "load_schema",
    "task_schema",
    "validate",
]

SCHEMA_DIR: Path = Path(__file__).resolve().parent / "schemas"
#: The built-in form of a user task whose model names none: done (and a comment).
CONFIRMATION_FORM = "task_confirmation"

_FORM_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_MAX_DIGITS = 64  # longer "numbers" stay text (and int() of huge strings is refused anyway)
_TRUE = frozenset({"true", "on", "yes", "1"})
_FALSE = frozenset({"false", "off", "no", "0"})

#: A JSON Schema type's message when a value is not of it (each says "must be …").
_TYPES = {
    "integer": FIELD_INTEGER,
    "number": FIELD_NUMBER,
    "string": FIELD_TEXT,
    "boolean": FIELD_BOOLEAN,
    "array": FIELD_LIST,
    "object": FIELD_OBJECT,
    "null": FIELD_NULL,
}


class FormNotFound(KeyError):
    """No form with this key (or the key is not a snake_case name)."""

    def __init__(self, form_key: object) -> None:
        super().__init__(form_key)
        self.form_key = form_key

    def __str__(self) -> str:
        return f"unknown form {self.form_key!r}"


def available_form_keys() -> frozenset[str]:
    """The form keys that have a schema file."""
    return frozenset(
        path.stem for path in SCHEMA_DIR.glob("*.json") if _FORM_KEY.fullmatch(path.stem)
    )


def load_schema(form_key: str) -> dict[str, Any]:
    """The schema of one form (a copy: changing it does not change the cache)."""
    return copy.deepcopy(_schema(form_key))


def task_schema(form_key: str) -> dict[str, Any]:
    """The schema a task's page shows and its API describes: its form's, or — when the form key
    names no schema — the one fallback: a form that takes no data."""
    try:
        return load_schema(form_key)
    except FormNotFound:
        return {"type": "object", "properties": {}, "additionalProperties": False}


def resource_field(schema: Mapping[str, Any], what: str) -> str | None:
    """The field of a form that `what`s the resources register: `"x-resource-draws": true` draws
    from it, `"x-resource-reserves": true` reserves in it for the incident."""
    mark = f"x-resource-{what}"
    properties = schema.get("properties") or {}
    return next((name for name, prop in properties.items()
                 if isinstance(prop, Mapping) and prop.get(mark) is True), None)


def _schema(form_key: object) -> dict[str, Any]:
    # Only snake_case names reach the file system: no separators, dots or absolute paths.
    if not isinstance(form_key, str) or not _FORM_KEY.fullmatch(form_key):
        raise FormNotFound(form_key)
    return _load(form_key)


@cache
def _load(form_key: str) -> dict[str, Any]:
    path = SCHEMA_DIR / f"{form_key}.json"
    if not path.is_file():
        raise FormNotFound(form_key)
    schema = expand_vocabulary(json.loads(path.read_text(encoding="utf-8")))
    Draft202012Validator.check_schema(schema)
    return schema


def expand_vocabulary(node: Any) -> Any:
    """Fill `"x-vocabulary": "<list>"` properties with the list's enum and bilingual labels, so a
    form never copies the domain's words (levels, categories, …) — see forms.vocabulary.ENUMS."""
    if isinstance(node, dict):
        name = node.get("x-vocabulary")
        if name is not None:
            if name not in ENUMS:
                raise ValueError(f"unknown x-vocabulary {name!r}; known: {', '.join(sorted(ENUMS))}")
            codes, labels = ENUMS[name]
            node["enum"] = list(codes)
            node["x-enum-labels"] = {code: labels[code][0] for code in codes}
            node["x-enum-labels-zh"] = {code: labels[code][1] for code in codes}
        return {key: expand_vocabulary(value) for key, value in node.items()}
    if isinstance(node, list):
        return [expand_vocabulary(item) for item in node]
    return node


@cache
def _validator(form_key: str) -> Draft202012Validator:
    return Draft202012Validator(_load(form_key), format_checker=Draft202012Validator.FORMAT_CHECKER)


@lru_cache(maxsize=256)
def _validator_of(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(form_key: str, data: object, *, schema: Mapping[str, Any] | None = None) -> dict[str, Message]:
    """``{}`` when ``data`` fits the form, else one short message per field path (a
    `forms.messages.Message`: English text with its code, e.g. ``field.required``).

    `schema`: the form's own schema when it is not one of the built-in library (a bundle's form).
    Paths join object keys and array indexes with dots (``lessons.2``); a missing or unknown
    field is reported under its own name; a problem with the whole payload under ``""``.
    """
    if schema is None:
        _schema(form_key)
    validator = _validator(form_key) if schema is None else _validator_of(json.dumps(schema, sort_keys=True))
    errors: dict[str, Message] = {}
    for error in sorted(validator.iter_errors(data), key=_error_order):
        for path, message in _describe(error):
            errors.setdefault(path, message)
    return errors


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _join(path: Iterable[object], name: object | None = None) -> str:
    parts = [str(part) for part in path]
    if name is not None:
        parts.append(str(name))
    return ".".join(parts)


def _describe(error: ValidationError) -> list[tuple[str, Message]]:
    path = list(error.absolute_path)
    keyword = error.validator
    expected: Any = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, Mapping):
        return [
            (_join(path, name), FIELD_REQUIRED())
            for name in expected
            if name not in instance
        ]
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        return [
            (_join(path, name), FIELD_UNKNOWN())
            for name in instance
            if name not in known and not any(p.search(str(name)) for p in patterns)
        ]
    return [(_join(path), _message(keyword, expected, error))]


#: Messages per JSON Schema keyword that names a limit: the keyword's value in the schema.
_LIMITS = {
    "minimum": FIELD_MINIMUM,
    "maximum": FIELD_MAXIMUM,
    "exclusiveMinimum": FIELD_ABOVE,
    "exclusiveMaximum": FIELD_BELOW,
    "minLength": FIELD_MIN_LENGTH,
    "maxLength": FIELD_MAX_LENGTH,
    "minItems": FIELD_MIN_ITEMS,
    "maxItems": FIELD_MAX_ITEMS,
}


def _message(keyword: object, expected: Any, error: ValidationError) -> Message:
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        if len(kinds) == 1 and kinds[0] in _TYPES:
            return _TYPES[kinds[0]]()
        return FIELD_TYPES(kinds=" or ".join(str(k) for k in kinds))  # JSON Schema's own type names
    if keyword == "minLength" and expected == 1:
        return FIELD_NOT_EMPTY()
    if isinstance(keyword, str) and keyword in _LIMITS:
        return _LIMITS[keyword](limit=expected)
    if keyword == "enum":
        return one_of(expected, schema=error.schema if isinstance(error.schema, Mapping) else {})
    if keyword == "format":
        return FIELD_DATE() if expected == "date" else FIELD_FORMAT(format=expected)
    if keyword == "const":
        return FIELD_CONST(value=expected)
    if keyword == "multipleOf":
        return FIELD_MULTIPLE_OF(factor=expected)
    if keyword == "uniqueItems":
        return FIELD_UNIQUE_ITEMS()
    if keyword == "pattern":
        return FIELD_PATTERN()
    return FIELD_INVALID(detail=error.message if len(error.message) <= 120 else error.message[:117] + "...")


def coerce(form_key: str, raw: Mapping[str, str | list[str]], *,
           schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Turn posted HTML form values into the types the schema declares.

    Empty strings drop the field. A list (a name posted several times) gives its last value for
    a scalar field, so the "hidden false + checkbox true" idiom works. A single string for an
    array field is read one item per line. Values that cannot be converted stay as they were,
    so ``validate()`` reports them; fields the schema does not know are kept as posted.
    """
    properties: Mapping[str, Any] = (_schema(form_key) if schema is None else schema).get("properties", {})
    result: dict[str, Any] = {}
    for name, value in raw.items():
        spec = properties.get(name)
        if not isinstance(spec, Mapping):
            result[name] = value
            continue
        if spec.get("type") == "array":
            items = _as_items(value)
            item_type = spec.get("items", {}).get("type")
            converted = [_scalar(item_type, item) for item in items]
            kept = [item for item in converted if item is not _OMIT]
            if kept:
                result[name] = kept
            continue
        if isinstance(value, list):
            present = [v for v in value if isinstance(v, str) and v.strip() != ""]
            if not present:
                continue
            value = present[-1]
        converted_value = _scalar(spec.get("type"), value)
        if converted_value is not _OMIT:
            result[name] = converted_value
    return result


_OMIT = object()


def _as_items(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    return value.replace("\r\n", "\n").split("\n")


def _scalar(kind: object, value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").strip()
    if text == "":
        return _OMIT
    if kind in ("integer", "number") and len(text) > _MAX_DIGITS:
        return value
    if kind == "integer":
        return int(text) if _INTEGER.fullmatch(text) else value
    if kind == "number":
        if _INTEGER.fullmatch(text):
            return int(text)
        if _NUMBER.fullmatch(text):
            number = float(text)
            return number if math.isfinite(number) else value
        return value
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return value
    return text
