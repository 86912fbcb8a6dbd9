"""Message codes: every message a person may read has a stable code, an English template and
parameters, so each door can say it in the reader's language without parsing English.

    TASK_NOT_READY = code("task.not_ready", "task '{task}' is no longer ready")
    raise Conflict(TASK_NOT_READY, task=task.title)     # engine.errors
    TASK_NOT_READY(task="Report")                       # -> Message, equal to the English text

Why a `str` subclass: the English text stays what every caller already compares, prints, logs
and serialises (the API's `message`, a CLI error, `forms.validate()`'s field messages), while a
page can still ask the message for its `code` and `params` and look the Chinese up in the gettext
catalog (api/pages/locale), where the code is the msgctxt and the English template the msgid.
Rewording a template therefore changes the msgid: until the catalog is updated (`pybabel
update` marks the old entry fuzzy for the translator) the test of the catalogs fails.

Templates use `str.format` names (`{task}`); a template is called with exactly its names.
`code()` is also the keyword pybabel extracts (see babel.cfg and [tool.babel] in pyproject.toml).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CODES", "Message", "Template", "code", "placeholders", "restored"]  # and the FIELD_* messages below

#: Every code defined so far (modules define theirs at import time), code -> template.
CODES: dict[str, Template] = {}


class Message(str):
    """The English text of a message that remembers its `code`, `template` and `params`."""

    code: str
    template: str
    params: dict[str, Any]

    def __new__(cls, text: str, *, code: str, template: str, params: Mapping[str, Any]) -> Message:
        made = super().__new__(cls, text)
        made.code, made.template, made.params = code, template, dict(params)
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickle and copy keep the code
        return (_restore, (str(self), self.code, self.template, self.params))


def _restore(text: str, code: str, template: str, params: dict[str, Any]) -> Message:
    return Message(text, code=code, template=template, params=params)


@dataclass(frozen=True)
class Template:
    """A message code and its English template; call it with the template's names."""

    code: str
    english: str

    @property
    def names(self) -> frozenset[str]:
        return placeholders(self.english)

    def __call__(self, **params: Any) -> Message:
        """`name_zh=` beside a `name` gives that value's Chinese (a task's Chinese title, the labels
        of the choices): a Chinese reader sees it in place of `name`."""
        companions = {key for key in params if key.endswith("_zh") and key[:-3] in self.names}
        if set(params) - companions != self.names:
            raise TypeError(f"message {self.code!r} takes {sorted(self.names)}, got {sorted(params)}")
        return Message(self.english.format(**params), code=self.code, template=self.english, params=params)


def restored(message_code: str, params: Mapping[str, Any], text: str) -> str:
    """A message stored as its code, parameters and English text, back as a Message (so a page can
    say it in the reader's language); the plain text when the code is unknown."""
    template = CODES.get(message_code)
    if template is None:
        return text
    return Message(text, code=message_code, template=template.english, params=params)


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` fields of a `str.format` template."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)


def code(message_code: str, english: str) -> Template:
    """Define a message code once; a second, different definition of the same code is a mistake."""
    template = Template(message_code, english)
    if CODES.setdefault(message_code, template) != template:
        raise ValueError(f"message code {message_code!r} is defined twice, differently")
    return template


# --- field messages: forms.validate() and the engine's own field checks --------------------------
FIELD_REQUIRED = code("field.required", "this field is required")
FIELD_UNKNOWN = code("field.unknown", "unknown field")
FIELD_INTEGER = code("field.integer", "must be a whole number")
FIELD_NUMBER = code("field.number", "must be a number")
FIELD_TEXT = code("field.text", "must be text")
FIELD_BOOLEAN = code("field.boolean", "must be true or false")
FIELD_LIST = code("field.list", "must be a list")
FIELD_OBJECT = code("field.object", "must be an object")
FIELD_NULL = code("field.null", "must be empty")
FIELD_TYPES = code("field.types", "must be of type {kinds}")
FIELD_MINIMUM = code("field.minimum", "must be at least {limit}")
FIELD_MAXIMUM = code("field.maximum", "must be at most {limit}")
FIELD_ABOVE = code("field.exclusive_minimum", "must be greater than {limit}")
FIELD_BELOW = code("field.exclusive_maximum", "must be less than {limit}")
FIELD_NOT_EMPTY = code("field.not_empty", "must not be empty")
FIELD_MIN_LENGTH = code("field.min_length", "must be at least {limit} characters")
FIELD_MAX_LENGTH = code("field.max_length", "must be at most {limit} characters")
FIELD_MIN_ITEMS = code("field.min_items", "must have at least {limit} items")
FIELD_MAX_ITEMS = code("field.max_items", "must have at most {limit} items")
FIELD_UNIQUE_ITEMS = code("field.unique_items", "must not repeat items")
FIELD_CONST = code("field.const", "must be {value}")
FIELD_DATE = code("field.date", "must be a valid date")
FIELD_FORMAT = code("field.format", "must be a valid {format}")
FIELD_PATTERN = code("field.pattern", "has the wrong format")
FIELD_MULTIPLE_OF = code("field.multiple_of", "must be a multiple of {factor}")
FIELD_ONE_OF = code("field.one_of", "must be one of: {choices}")
FIELD_INVALID = code("field.invalid", "{detail}")
FIELD_AT_MOST_CHARACTERS = code("field.at_most_characters", "at most {limit} characters")
FIELD_AT_LEAST_CHARACTERS = code("field.at_least_characters", "at least {limit} characters")
