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
    """One row of the improvement plan, in HSEEP's AAR/IP shape."""

    id: int
    incident_id: int = Field(description="The incident or drill whose review produced it.")
    source: str = Field(description="after_action_review | drill")
    capability: str | None = Field(description="The capability it strengthens (vocabulary `capability`).")
    issue: str | None = Field(description="The issue observed.")
    title: str = Field(description="The corrective action.")
    owner_seat: str = Field(description="The seat whose task it is.")
    plan_unit: str
    plan_section: str | None = Field(description="The section of the unit's plan it revises, if any.")
    start_at: datetime | None
    due_at: datetime
    status: str = Field(description="open | overdue | submitted (awaiting verification) | done")
    revision_incident_id: int | None = Field(
        description="The process carrying it out (improvement_action; plan_revision for older actions).")
    created_by: str
    created_at: datetime
    evidence: str | None = Field(description="What the owner said was done (files are on the owner's task).")
    submitted_by: str | None
    submitted_at: datetime | None
    verified_by: str | None = Field(description="Who checked the evidence; never the owner who submitted it.")
    verification_note: str | None
    escalated_at: datetime | None = Field(description="When its due date passed and the plan approver was told.")
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
