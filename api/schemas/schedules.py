"""The prevention calendar: recurring screening and drills the worker starts on their dates."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Category, DrillType, RequestModel, ResponseModel, ScheduledProcess, ScheduleRule, text


class AddSchedule(RequestModel):
    title: text(200, 1)  # type: ignore[valid-type]
    process_id: ScheduledProcess = Field(description="hazard_screening | emergency_drill")  # type: ignore[valid-type]
    unit: text(200, 1) = Field(description="The governance unit the work is for.")  # type: ignore[valid-type]
    category: Category = "accident_disaster"  # type: ignore[valid-type]
    rule: ScheduleRule = Field(description="monthly (on `day`) | yearly (on `month` and `day`), "  # type: ignore[valid-type]
                                           "at 08:00 in the deployment's time zone.")
    month: int | None = Field(None, description="For a yearly entry: 1-12.")
    day: int = Field(description="1-28.")
    drill_type: DrillType | None = Field(None, description="For a drill: tabletop (桌面) | full_scale (实战).")  # type: ignore[valid-type]
    due_days: int = Field(description="Days the work has before it escalates to the street: 1-365.")


class ScheduleOut(ResponseModel):
    id: int
    title: str
    process_id: str
    unit: str
    category: str
    rule: str
    month: int | None
    day: int
    drill_type: str | None
    due_days: int
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    last_incident_id: int | None = Field(description="The work it started last.")
    last_due_at: datetime | None = Field(description="That work's deadline.")
    escalated_at: datetime | None = Field(description="When that work, open past its deadline, went to the street.")
