"""Warnings received from the authorised issuer and relayed (预警): CAP-like fields."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import LongText, RequestModel, ResponseModel, ShortText, one_of, text
from forms import vocabulary

WarningLevel = one_of(vocabulary.WARNING_LEVELS)
WarningEvent = one_of(vocabulary.WARNING_EVENTS)
WarningChange = one_of(vocabulary.WARNING_CHANGES)


class ReceiveWarning(RequestModel):
    """A warning as the issuer published it (the fields of a CAP alert) and where it is relayed."""

    event: WarningEvent  # type: ignore[valid-type]
    warning_level: WarningLevel  # type: ignore[valid-type]
    headline: ShortText
    area: text(500, 1)  # type: ignore[valid-type]
    issued: datetime = Field(description="When the issuer published it: ISO-8601 with its time zone.")
    expires: datetime = Field(description="When it lapses unless lifted or changed first: ISO-8601 with its zone.")
    issuer: ShortText = Field(description="The authorised issuer, e.g. the district meteorological observatory.")
    instruction: LongText | None = Field(None, description="The issuer's instruction to the public.")
    grids: list[text(100, 1)] = Field(min_length=1, max_length=200,  # type: ignore[valid-type]
                                      description="The grids it is relayed to; each confirms it was reached.")
    unit: ShortText = Field(description="The smallest governance unit receiving it.")
    exercise: bool = False

    def warning(self) -> dict[str, object]:
        """The CAP fields as the engine takes them (times as ISO-8601 texts)."""
        found = self.model_dump(exclude={"unit", "exercise"}, exclude_none=True)
        return found | {"issued": self.issued.isoformat(), "expires": self.expires.isoformat()}


class ChangeWarning(RequestModel):
    """What the issuer changed: raised or lowered to `level`, lifted, or it became an incident."""

    change: WarningChange  # type: ignore[valid-type]
    level: WarningLevel | None = None  # type: ignore[valid-type]
    reason: LongText


class WarningOut(ResponseModel):
    id: int
    reference: str
    status: str = Field(description="active while in force; closed once lifted, expired or an incident.")
    headline: str
    event: str
    level: str = Field(description="The level in force (or at closing).")
    area: str
    issuer: str
    issued: datetime
    expires: datetime
    last_change: str | None
