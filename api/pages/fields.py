"""A task form's fields, read from its JSON Schema: which widget, what label, what bounds.

Why derived and not hand-written per form: every model ships its forms as schemas, and the
same schema validates the data (forms.validate), so the page can never ask for something the
engine refuses or miss a field it needs. Values that failed conversion are shown as typed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from api.pages.session import CSRF_FIELD
from forms import coerce, i18n

#: Text longer than this gets a textarea.
TEXTAREA_OVER = 200


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # text | textarea | number | select | yesno | lines | date | json
    value: str
    required: bool
    help: str = ""
    error: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)


def _widget(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type")
    if "enum" in spec:
        return "select"
    if kind == "boolean":
        return "yesno"
    if kind in ("integer", "number"):
        return "number"
    if kind == "array" and spec.get("items", {}).get("type") in ("string", "integer", "number"):
        return "lines"
    if kind == "string":
        if spec.get("format") == "date":
            return "date"
        max_length = spec.get("maxLength")
        return "textarea" if not isinstance(max_length, int) or max_length > TEXTAREA_OVER else "text"
    return "json"


def _shown(widget: str, value: Any) -> str:
    """A value as it goes back into its input."""
    if value is None:
        return ""
    if widget == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if widget == "yesno" and isinstance(value, bool):
        return "true" if value else "false"
    if widget == "json" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return str(value)


def fields_of(schema: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, str],
              lang: str) -> list[Field]:
    required = set(schema.get("required") or [])
    result = []
    for name, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        widget = _widget(spec)
        attrs: dict[str, Any] = {}
        if widget == "number":
            attrs["step"] = "1" if spec.get("type") == "integer" else "any"
            attrs["inputmode"] = "numeric" if spec.get("type") == "integer" else "decimal"
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if isinstance(spec.get(key), int | float):
                    attrs[attr] = spec[key]
        if widget in ("text", "textarea") and isinstance(spec.get("maxLength"), int):
            attrs["maxlength"] = spec["maxLength"]
        options = [(str(v), i18n.enum_label(spec, v, lang)) for v in spec.get("enum", [])]
        error = next((m for path, m in errors.items() if path == name or path.startswith(name + ".")), "")
        result.append(Field(
            name=name, label=i18n.schema_title(spec, lang, name.replace("_", " ")), widget=widget,
            value=_shown(widget, values.get(name)), required=name in required,
            help=i18n.schema_description(spec, lang), error=i18n.message(error, lang), attrs=attrs,
            options=options,
        ))
    return result


def form_errors(errors: Mapping[str, str], schema: Mapping[str, Any], lang: str) -> list[str]:
    """Problems that belong to no field of the form (shown above it)."""
    known = set((schema.get("properties") or {}).keys())
    return [f"{path or '—'}: {i18n.message(message, lang)}" for path, message in errors.items()
            if path.split(".")[0] not in known]


def parse(form_key: str, schema: Mapping[str, Any], form: FormData) -> dict[str, Any]:
    """Posted strings -> typed values (forms.coerce), JSON fields parsed when they are JSON."""
    raw: dict[str, str | list[str]] = {}
    for name in form:
        if name == CSRF_FIELD:
            continue
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        raw[name] = values[0] if len(values) == 1 else values
    data = coerce(form_key, raw)
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, Mapping) and _widget(spec) == "json" and isinstance(data.get(name), str):
            with contextlib.suppress(ValueError):
                data[name] = json.loads(data[name])
    return data
