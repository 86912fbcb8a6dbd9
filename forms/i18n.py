"""The bilingual words that belong to the domain and the forms, not to the pages' catalogs.

`label()` says a vocabulary code (phase, level, seat, …) in words from `forms.vocabulary`;
`schema_title()`, `schema_description()` and `enum_label()` read a form schema's own bilingual
parts (`title`/`x-title-zh`, `x-enum-labels`/`x-enum-labels-zh`). The pages' own strings and every
message code are gettext catalogs (api/pages/locale, see api/pages/i18n.py). Imports neither
engine nor api.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forms.messages import FIELD_ONE_OF, Message
from forms.vocabulary import LABELS, LANGUAGES

DEFAULT = "en"

def lang_of(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def label(kind: str, value: object, lang: str) -> str:
    """A code value (phase, level, status, …) in words; unknown values show as they are."""
    table = LABELS[kind]
    if value is None or value == "":
        return "—"
    pair = table.get(str(value))
    return _pick(pair, lang) if pair else str(value).replace("_", " ")


def schema_title(schema: Mapping[str, Any], lang: str, fallback: str = "") -> str:
    """`x-title-zh` in Chinese when present, else `title`."""
    if lang == "zh" and isinstance(schema.get("x-title-zh"), str):
        return str(schema["x-title-zh"])
    return str(schema.get("title") or fallback)


def schema_description(schema: Mapping[str, Any], lang: str) -> str:
    if lang == "zh" and isinstance(schema.get("x-description-zh"), str):
        return str(schema["x-description-zh"])
    return str(schema.get("description") or "")


def enum_label(schema: Mapping[str, Any], value: object, lang: str) -> str:
    """An enum value's label: `x-enum-labels-zh` / `x-enum-labels`, else the value itself."""
    for key in (("x-enum-labels-zh", "x-enum-labels") if lang == "zh" else ("x-enum-labels",)):
        labels = schema.get(key)
        if isinstance(labels, Mapping) and str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def one_of(values: Iterable[object], *, kind: str | None = None, schema: Mapping[str, Any] | None = None) -> Message:
    """"Must be one of …" naming the choices by their labels (a vocabulary `kind`, or a form
    schema's enum labels) in English, and in Chinese for a Chinese reader — never by their codes."""
    values = list(values)

    def words(lang: str) -> list[str]:
        return [label(kind, v, lang) if kind else enum_label(schema or {}, v, lang) for v in values]

    return FIELD_ONE_OF(choices=", ".join(words("en")), choices_zh="、".join(words("zh")))
