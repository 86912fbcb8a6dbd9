"""Text fields of what a commander records (decisions and their orders), checked alike."""

from __future__ import annotations

from typing import Any

from forms.messages import FIELD_AT_MOST_CHARACTERS, FIELD_REQUIRED, FIELD_TEXT, Message

TEXT_LIMIT = 4000


def checked_text(fields: dict[str, Message], name: str, value: Any, *, required: bool = True) -> str | None:
    """The stripped text, or None with the problem noted under `name` in `fields`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            fields[name] = FIELD_REQUIRED()
        return None
    if not isinstance(value, str):
        fields[name] = FIELD_TEXT()
        return None
    if len(value) > TEXT_LIMIT:
        fields[name] = FIELD_AT_MOST_CHARACTERS(limit=TEXT_LIMIT)
    return value.strip()
