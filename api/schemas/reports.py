"""The report register (信息报告台账): the reports an incident owes the level above."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import ResponseModel


class ReportOut(ResponseModel):
    task_id: str
    kind: str = Field(description="initial (首报) | follow_up (续报) | final (终报)")
    element: str = Field(description="The model's task, e.g. initial_report_phone.")
    title: str
    title_zh: str | None = Field(description="The task's Chinese name, where the model gives one.")
    addressee: str | None = Field(description="The tier it goes to: street, district, …")
    state: str = Field(description="ready (due) | completed (sent) | cancelled (never sent)")
    due_at: datetime | None
    sent_at: datetime | None
    sent_by: str | None
    late: bool = Field(description="Sent after its due time, or still unsent past it.")
    summary: str | None


class ReportRegisterOut(ResponseModel):
    incident: str = Field(description="The incident's reference.")
    reports: list[ReportOut]
    counts: dict[str, int] = Field(description="What the response did, in numbers, for the reports: people moved "
                                   "and rescued in the first response, evacuated, sheltered, … (each 0 until "
                                   "reported).")
