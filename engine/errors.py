"""The engine's typed errors. `api/` maps each to one HTTP status; nothing here knows HTTP."""

from __future__ import annotations


class RenxingError(Exception):
    code = "error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})

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
        lines = "; ".join(str(p) for p in self.problems)
        super().__init__(
            f"the bundle is not valid: {lines}",
            fields={p.location: p.message for p in self.problems},
        )


class DefinitionProblem:
    """One validation finding: which file, which element, what is wrong."""

    __slots__ = ("file", "element", "message")

    def __init__(self, file: str | None, element: str | None, message: str) -> None:
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
