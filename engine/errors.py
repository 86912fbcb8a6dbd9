"""The engine's typed errors. `api/` maps each to one HTTP status; nothing here knows HTTP.

Every error says what went wrong by message code (engine/messages.py):

    raise Conflict(TASK_NOT_READY, task=task.title)
    raise InvalidInput(TASK_DATA_NOT_VALID, task=task.title, fields={"casualties": FIELD_INTEGER()})

`message` is then a `forms.messages.Message`: the English text (what `str()` and the API's
`message` say) that also carries its `code` and `params`, so the pages can show it in Chinese;
`fields` maps a field path to such a message. `code` (class attribute) is the kind of error —
`not_found`, `conflict`, … — which the API maps to a status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.messages import DEFINITION_NOT_VALID
from forms.messages import Message, Template


@dataclass(frozen=True)
class FailedElement:
    """Where in a running workflow an error was raised: the element, its names, the data it saw."""

    element: str
    name: str | None
    name_zh: str | None
    data: dict[str, Any]


class RenxingError(Exception):
    code = "error"
    #: Set when the error was raised while the workflow ran (a script, an expression, an operator).
    failed_at: FailedElement | None = None

    def __init__(self, message: Template, /, *, fields: Mapping[str, Message] | None = None, **params: Any) -> None:
        self.message: Message = message(**params)
        self.fields: dict[str, Message] = dict(fields or {})
        super().__init__(self.message)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(RenxingError):
    code = "not_found"


class Forbidden(RenxingError):
    code = "forbidden"


class Conflict(RenxingError):
    code = "conflict"


class InvalidInput(RenxingError):
    code = "invalid_input"


class InvalidDefinition(InvalidInput):
    """A model bundle failed deploy-time validation; `problems` names file, element and problem."""

    code = "invalid_definition"

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = list(problems)
        super().__init__(
            DEFINITION_NOT_VALID, problems="; ".join(str(p) for p in self.problems),
            fields={p.location: p.message for p in self.problems},
        )


class DefinitionProblem:
    """One validation finding: which file, which element, what is wrong — a message with its code
    (engine/workflow/spec_messages.py), so the deploy page can say it in Chinese."""

    __slots__ = ("file", "element", "message")

    def __init__(self, file: str | None, element: str | None, message: Message) -> None:
        self.file = file
        self.element = element
        self.message = message

    @property
    def location(self) -> str:
        return ":".join(part for part in (self.file, self.element) if part) or "bundle"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def __repr__(self) -> str:
        return f"DefinitionProblem({self.file!r}, {self.element!r}, {self.message!r})"


class WorkflowFailure(RenxingError):
    """A script or expression failed while the workflow ran; the command changed nothing."""

    code = "workflow_error"
