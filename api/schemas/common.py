"""Types shared by request and response models.

Request text and free-form JSON are checked here for what the databases cannot store, so such
input is a 422 naming the field rather than a driver error: NUL characters (PostgreSQL text and
JSONB refuse them), lone surrogates (not encodable as UTF-8), non-finite numbers (not JSON) and
absurd nesting.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from forms import vocabulary

#: Largest id a client may send: PostgreSQL `integer` columns end here.
MAX_ID = 2_147_483_647
MAX_JSON_DEPTH = 32


def clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def _clean_json(value: Any, depth: int = 0) -> Any:
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, str):
        clean_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            clean_text(str(key))
            _clean_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _clean_json(item, depth + 1)
    return value


def text(max_length: int, min_length: int = 0) -> Any:
    """A `str` type with length bounds that also refuses what the databases cannot store."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length),
                     AfterValidator(clean_text)]


def one_of(codes: tuple[str, ...]) -> Any:
    """A `Literal` of a vocabulary list: the schemas enumerate the domain's words, never copy them."""
    return Literal[codes]


Category = one_of(vocabulary.CATEGORIES)
Level = one_of(vocabulary.LEVELS)
Phase = one_of((*vocabulary.PHASES, vocabulary.CLOSED_PHASE))
IncidentStatus = one_of(vocabulary.INCIDENT_STATUSES)
EndOutcome = one_of(vocabulary.END_OUTCOMES)
Urgency = one_of(vocabulary.URGENCIES)
DecisionKind = one_of(vocabulary.DECISION_KINDS)
OrderSeat = one_of(vocabulary.ORDER_SEATS)
Language = one_of(vocabulary.LANGUAGES)
HazardStatus = one_of(vocabulary.HAZARD_STATUSES)
HazardGrade = one_of(vocabulary.HAZARD_GRADES)
ActionStatus = one_of(vocabulary.ACTION_STATUSES)
ActionSource = one_of(vocabulary.ACTION_SOURCES)
Capability = one_of(vocabulary.CAPABILITIES)
ScheduledProcess = one_of(vocabulary.SCHEDULED_PROCESSES)
ScheduleRule = one_of(vocabulary.SCHEDULE_RULES)
DrillType = one_of(vocabulary.DRILL_TYPES)
ResourceKind = one_of(vocabulary.RESOURCE_KINDS)
VolunteerKind = one_of(vocabulary.VOLUNTEER_KINDS)
VolunteerSkill = one_of(vocabulary.VOLUNTEER_SKILLS)

Name = text(64, 1)
ShortText = text(200, 1)
LongText = text(4000, 1)
JsonObject = Annotated[dict[str, Any], AfterValidator(_clean_json)]
JsonValue = Annotated[Any, AfterValidator(_clean_json)]
RoleKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")]

#: Path parameter naming an incident: its reference (INC-2026-0007) or its numeric id.
IncidentRef = Annotated[str, Path(
    pattern=r"^(?:[1-9][0-9]{0,8}|[A-Z]{2,8}-[0-9]{4}-[0-9]{1,9})$",
    description="The incident's reference (e.g. `INC-2026-0007`) or numeric id.",
    examples=["INC-2026-0001"],
)]
TaskId = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,64}$", description="The task id (a UUID).")]
Cursor = Annotated[int | None, Query(ge=1, le=MAX_ID, description="`next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
def clean_optional(value: str | None) -> str | None:
    return None if value is None else clean_text(value)


QueryText = Annotated[str | None, Query(max_length=200), AfterValidator(clean_optional)]


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are refused, naming them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def validated_json(adapter: TypeAdapter[Any], content: Any) -> Response:
    """`content` validated once by `adapter` and serialised by pydantic-core. Returned as a Response,
    FastAPI neither validates it a second time nor hands that to another thread; the route's
    `response_model` still documents it (and must be the adapter's type)."""
    return Response(adapter.dump_json(adapter.validate_python(content)), media_type="application/json")


class MessageCode(BaseModel):
    code: str = Field(description="Stable message code, e.g. `field.required`.")
    params: dict[str, Any] = Field(description="The values its template names.")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable kind of error, e.g. `not_found`, `conflict`.")
    message: str = Field(description="What went wrong, for a person (in English).")
    message_code: str = Field(description="The message as a stable code, e.g. `task.not_ready`: a client can say it "
                                          "in its reader's language (the web pages do, from their gettext catalog). "
                                          "Errors of the HTTP layer itself (unknown route, …) are `http.error`.")
    params: dict[str, Any] = Field(description="The values the message names, e.g. `{\"task\": \"Report\"}`.")
    fields: dict[str, str] = Field(description="Per-field problems: `{field path: message}`.")
    field_codes: dict[str, MessageCode] = Field(description="The same per-field problems by message code: "
                                                            "`{field path: {code, params}}`.")


class ErrorOut(BaseModel):
    """Every error response has this shape."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


#: Documented on every router, so /openapi.json describes the error bodies clients will see.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The body could not be parsed."),
    401: _error("Not logged in, or the token expired."),
    403: _error("Your seats do not allow this (the message says why)."),
    404: _error("No such resource."),
    413: _error("The request body is too large."),
    422: _error("Invalid input; `fields` names each problem."),
    503: _error("The database is busy or unavailable; retry."),
}
COMMAND_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The body could not be parsed."),
    **ERRORS,
    409: _error("Conflict: the state changed (e.g. the task is no longer ready)."),
}
