"""Failed incidents: what failed, retrying after a fix, setting a variable, moving to a newer version."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas.common import JsonValue, RequestModel, ResponseModel, text
from api.schemas.incidents import FailureSummaryOut, IncidentOut

Reason = text(4000, 1)


class FailureOut(FailureSummaryOut):
    data: dict[str, Any] = Field(description="The process data the failing step saw (latest attempt).")


class RetryIncident(RequestModel):
    reason: Reason = Field(description="What was fixed (audited).")  # type: ignore[valid-type]


class RetryOut(ResponseModel):
    incident: IncidentOut
    failure: FailureOut | None = Field(description="null when the retry went through; else it failed again.")


class SetVariable(RequestModel):
    value: JsonValue = Field(
        description="Any JSON value: text, a number, true/false, null, a list, an object.")
    reason: Reason = Field(description="Why (audited with the old and the new value).")  # type: ignore[valid-type]


class MigrateIncident(RequestModel):
    to_version: int = Field(ge=1, le=1_000_000, description="A newer version of the incident's process.")
