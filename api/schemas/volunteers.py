"""The volunteer and social-organisation register (the second echelon)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import RequestModel, ResponseModel, VolunteerKind, VolunteerSkill, text


class RegisterVolunteer(RequestModel):
    kind: VolunteerKind = Field(description="volunteer (a person) | organisation (a social organisation)")  # type: ignore[valid-type]
    name: text(200, 1)  # type: ignore[valid-type]
    skills: list[VolunteerSkill] = Field(min_length=1, max_length=10,  # type: ignore[valid-type]
                                         description="What they can do: guidance, first_aid, care_for_vulnerable, "
                                                     "supplies, search_rescue, counselling.")
    contact: text(200, 1) = Field(description="How to reach them: phone, WeChat, …")  # type: ignore[valid-type]
    unit: text(200, 1) = Field(description="The governance unit they belong to.")  # type: ignore[valid-type]
    people: int = Field(1, ge=1, le=10_000, description="How many people come (an organisation may bring several).")


class VolunteerOut(ResponseModel):
    id: int = Field(description="The register number a match names.")
    kind: str
    name: str
    skills: list[str]
    contact: str
    unit: str
    people: int
    available: bool = Field(description="Free to be called (not out with an incident).")
    deployed_incident_id: int | None = Field(description="The incident they are out with, if any.")
    updated_at: datetime
