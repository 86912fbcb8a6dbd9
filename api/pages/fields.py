"""A task form's fields, read from its JSON Schema: which widget, what label, what bounds.

Why derived and not hand-written per form: every model ships its forms as schemas, and the
same schema validates the data (forms.validate), so the page can never ask for something the
engine refuses or miss a field it needs. Values that failed conversion are shown as typed.
A list of objects (hazards found, improvement actions) becomes repeated rows of sub-fields
named `list.<n>.field`, the same paths `forms.validate()` reports errors under.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from api.pages.i18n import Translator
from api.pages.session import CSRF_FIELD
from forms import coerce, i18n

#: Text longer than this gets a textarea.
TEXTAREA_OVER = 200
#: Posted beside a list that may be empty, when the person says there is nothing to list.
NOTHING = ".nothing"
LISTS = ("checks", "lines", "rows")
ROW_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.(\d{1,3})\.([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # text | textarea | number | select | checks | person | yesno | lines | rows | date | json
    value: str
    required: bool
    help: str = ""
    error: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)
    #: widget "rows": the sub-fields of each item, a blank template row (index `__i__`), its label.
    rows: list[list[Field]] = field(default_factory=list)
    template: list[Field] = field(default_factory=list)
    item_label: str = ""
    #: widget "checks": the chosen values; lists that may be empty: "nothing to list" was chosen.
    chosen: list[str] = field(default_factory=list)
    may_be_empty: bool = False
    nothing: bool = False
    #: widget "person": the seats whose holders are offered (`x-person-seats`).
    seats: list[str] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "f-" + self.name


def _widget(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type")
    if "enum" in spec:
        return "select"
    if kind == "string" and isinstance(spec.get("x-person-seats"), list):
        return "person"
    if kind == "boolean":
        return "yesno"
    if kind in ("integer", "number"):
        return "number"
    found = spec.get("items")
    items: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if kind == "array" and isinstance(items.get("enum"), list):
        return "checks"
    if kind == "array" and items.get("type") in ("string", "integer", "number"):
        return "lines"
    if kind == "array" and items.get("type") == "object" and isinstance(items.get("properties"), Mapping):
        return "rows"
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


def _rows(name: str, spec: Mapping[str, Any], value: Any, errors: Mapping[str, str], lang: str
          ) -> tuple[list[list[Field]], list[Field]]:
    items = [v if isinstance(v, Mapping) else {} for v in value] if isinstance(value, list) else []
    limit = spec.get("maxItems")
    most = limit if isinstance(limit, int) else 50
    count = min(max(len(items) + 1, 1), max(most, len(items)))
    item = spec["items"]
    rows = []
    for index in range(count):
        prefix = f"{name}.{index}."
        mine = {path[len(prefix):]: m for path, m in errors.items() if path.startswith(prefix)}
        rows.append(fields_of(item, items[index] if index < len(items) else {}, mine, lang, prefix=prefix))
    return rows, fields_of(item, {}, {}, lang, prefix=f"{name}.__i__.")


def fields_of(schema: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, str],
              lang: str, prefix: str = "") -> list[Field]:
    required = {str(r) for r in schema.get("required") or []}
    say = Translator(lang).say
    result = []
    for name, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        widget = _widget(spec)
        if widget == "rows":
            rows, template = _rows(name, spec, values.get(name), errors, lang)
            result.append(Field(
                name=prefix + name, label=i18n.schema_title(spec, lang, name.replace("_", " ")), widget=widget,
                value="", required=name in required, help=i18n.schema_description(spec, lang),
                error=say(errors.get(name, "")), rows=rows, template=template,
                item_label=i18n.schema_title(spec["items"], lang, ""),
                attrs={"max": spec.get("maxItems", 50)}, may_be_empty=_may_be_empty(name, spec, required),
                nothing=_may_be_empty(name, spec, required) and values.get(name) == []))
            continue
        attrs: dict[str, Any] = {}
        if widget == "number":
            attrs["step"] = "1" if spec.get("type") == "integer" else "any"
            attrs["inputmode"] = "numeric" if spec.get("type") == "integer" else "decimal"
            for key, attr in (("minimum", "min"), ("maximum", "max")):
                if isinstance(spec.get(key), int | float):
                    attrs[attr] = spec[key]
        if widget in ("text", "textarea") and isinstance(spec.get("maxLength"), int):
            attrs["maxlength"] = spec["maxLength"]
        enum_spec: Mapping[str, Any] = (spec.get("items") or {}) if widget == "checks" else spec
        options = [(str(v), i18n.enum_label(enum_spec, v, lang)) for v in enum_spec.get("enum", [])]
        chosen = [str(v) for v in values.get(name) or []] if widget == "checks" and isinstance(
            values.get(name), list) else []
        error = next((m for path, m in errors.items() if path == name or path.startswith(name + ".")), "")
        result.append(Field(
            name=prefix + name, label=i18n.schema_title(spec, lang, name.replace("_", " ")), widget=widget,
            value=_shown(widget, values.get(name)), required=name in required,
            help=i18n.schema_description(spec, lang), error=say(error), attrs=attrs,
            options=options, chosen=chosen, seats=[str(s) for s in spec.get("x-person-seats") or []],
            may_be_empty=widget in LISTS and _may_be_empty(name, spec, required),
            nothing=widget in LISTS and _may_be_empty(name, spec, required) and values.get(name) == [],
        ))
    return result


def _may_be_empty(name: str, spec: Mapping[str, Any], required: set[str]) -> bool:
    """A required list without a minimum may be answered "nothing" (a screening that found nothing)."""
    return name in required and not spec.get("minItems")


def form_errors(errors: Mapping[str, str], schema: Mapping[str, Any], lang: str) -> list[str]:
    """Problems that belong to no field of the form (shown above it)."""
    known = set((schema.get("properties") or {}).keys())
    say = Translator(lang).say
    return [f"{path or '—'}: {say(message)}" for path, message in errors.items()
            if path.split(".")[0] not in known]


def parse(form_key: str, schema: Mapping[str, Any], form: FormData) -> dict[str, Any]:
    """Posted strings -> typed values (forms.coerce), JSON fields parsed when they are JSON."""
    properties = schema.get("properties") or {}
    raw: dict[str, str | list[str]] = {}
    rows: dict[str, dict[int, dict[str, str]]] = {}
    nothing = set()
    for name in form:
        if name == CSRF_FIELD:
            continue
        if name.endswith(NOTHING) and name[:-len(NOTHING)] in properties:
            nothing.add(name[:-len(NOTHING)])
            continue
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        found = ROW_KEY.match(name)
        if found and _widget(properties.get(found.group(1)) or {}) == "rows":
            rows.setdefault(found.group(1), {}).setdefault(int(found.group(2)), {})[found.group(3)] = values[-1]
            continue
        raw[name] = values[0] if len(values) == 1 else values
    data = coerce(form_key, raw, schema=schema)
    for name, posted in rows.items():
        item = properties[name]["items"]
        typed = [_item(item, posted[index]) for index in sorted(posted)]
        if any(typed):
            data[name] = [row for row in typed if row]
    for name, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, Mapping) and _widget(spec) == "json" and isinstance(data.get(name), str):
            with contextlib.suppress(ValueError):
                data[name] = json.loads(data[name])
    for name in nothing:  # what was listed wins over a stray "nothing"
        data.setdefault(name, [])
    return data


def _item(schema: Mapping[str, Any], posted: Mapping[str, str]) -> dict[str, Any]:
    """One row's strings typed by the item schema; blank fields dropped (a blank row is {})."""
    properties = schema.get("properties") or {}
    result: dict[str, Any] = {}
    for name, text in posted.items():
        value = _typed((properties.get(name) or {}).get("type"), text.replace("\r\n", "\n").strip())
        if value != "":
            result[name] = value
    return result


def _typed(kind: object, text: str) -> Any:
    """Like forms.coerce for one scalar: what cannot be converted stays text for validate() to name."""
    if kind == "integer" and re.fullmatch(r"[+-]?\d{1,18}", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", text) and len(text) < 64:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else (
            number if math.isfinite(number) else text)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text
