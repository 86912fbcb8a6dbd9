"""The hazard register, improvement actions and the units' emergency plans."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import ResponseModel


class HazardOut(ResponseModel):
    id: int
    incident_id: int = Field(description="The screening round that found it.")
    unit: str
    location: str
    facility: str
    description: str
    grade: str = Field(description="major | general (分级管控).")
    owner_seat: str
    deadline: datetime = Field(description="Rectification deadline.")
    status: str = Field(description="open | rectifying | rectified | escalated | verified | closed")
    note: str | None
    found_by: str
    found_at: datetime
    updated_at: datetime


class HazardPage(ResponseModel):
    items: list[HazardOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class ImprovementActionOut(ResponseModel):
    id: int
    incident_id: int = Field(description="The incident or drill whose review produced it.")
    source: str
    title: str
    owner_seat: str
    plan_unit: str
    due_at: datetime
    status: str = Field(description="open | done")
    revision_incident_id: int | None = Field(description="The plan_revision process carrying it into the plan.")
    created_by: str
    created_at: datetime
    done_at: datetime | None


class ImprovementActionPage(ResponseModel):
    items: list[ImprovementActionOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class PlanVersionOut(ResponseModel):
    id: int
    unit: str
    version: int
    summary: str
    content: str
    sections: dict[str, str] = Field(description="Every section of this version, whole (一点一案).")
    drafted_by: str
    approved_by: str
    improvement_action_id: int | None
    revision_incident_id: int | None
    published_at: datetime


class SectionChangeOut(ResponseModel):
    section: str
    before: str | None = Field(description="The older version's text; null when it had no such section.")
    after: str | None = Field(description="The newer version's text; null when the section was dropped.")
