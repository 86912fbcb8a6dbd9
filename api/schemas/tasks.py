"""Human tasks and their forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import JsonObject, RequestModel, ResponseModel, Username
from api.schemas.resources import ReservationOut
from engine.models import HumanTask
from engine.tasks import Guidance


class TaskOut(ResponseModel):
    id: str = Field(description="Stable task id; use it to claim, complete, …")
    incident_id: int
    task_spec: str = Field(description="The BPMN element id (e.g. `record_report`).")
    title: str
    title_zh: str | None = Field(None, description="The task's Chinese name from the model (`name_zh`), if it has one.")
    subject: str | None = Field(None, description="What this instance is about when several of one task are open "
                                                  "(e.g. which decision a review rules on).")
    role: str = Field(description="The seat the task belongs to.")
    form_key: str
    phase: str | None
    state: str = Field(description="ready | completed | cancelled (claimed = ready with an assignee).")
    assignee_id: int | None = Field(description="User id of whoever claimed it, if anyone.")
    due_at: datetime | None
    created_at: datetime
    completed_by: str | None
    completed_at: datetime | None


class PlanSectionOut(ResponseModel):
    unit: str
    version: int = Field(description="The version of the plan in force.")
    section: str = Field(description="risks | contacts | evacuation | shelters | resources | first_response | recovery")
    text: str


class OpenActionOut(ResponseModel):
    id: int
    title: str
    owner_seat: str
    due_at: datetime
    status: str = Field(description="open | overdue | submitted (awaiting verification)")


class ProposalOut(ResponseModel):
    section: str = Field(description="The plan section the proposal rewrites (risks, …).")
    text: str = Field(description="The section as proposed, whole.")
    proposed_by: str | None = Field(description="The process that proposed it (e.g. the screening SCR-…).")


class TaskDetail(TaskOut):
    form_schema: dict[str, Any] = Field(description="JSON Schema (2020-12) the completion data must match.")
    data: dict[str, Any] | None = Field(description="Submitted data, once completed.")
    plan_section: PlanSectionOut | None = Field(None, description="The section of the unit's plan in force that "
                                                                  "this task works from (一点一案).")
    open_actions: list[OpenActionOut] = Field([], description="Improvement actions still open for the unit.")
    proposals: list[ProposalOut] = Field([], description="For the plan owner drafting a revision: the sections "
                                                         "the process that started it proposes.")
    reserved: list[ReservationOut] = Field([], description="For a task that draws from the resources register: "
                                                           "what its incident still holds, drawn first.")

    @classmethod
    def of(cls, task: HumanTask, form_schema: dict[str, Any], guidance: Guidance) -> TaskDetail:
        return cls(**TaskOut.model_validate(task).model_dump(), form_schema=form_schema, data=task.data,
                   plan_section=PlanSectionOut.model_validate(guidance.plan_section, from_attributes=True)
                   if guidance.plan_section else None,
                   open_actions=[OpenActionOut.model_validate(a) for a in guidance.open_actions],
                   proposals=[ProposalOut.model_validate(p, from_attributes=True) for p in guidance.proposals],
                   reserved=[ReservationOut.of(h) for h in guidance.reserved])


class CompleteTask(RequestModel):
    data: JsonObject = Field(description="Form data, validated against the task's `form_schema`.")


class ReassignTask(RequestModel):
    username: Username = Field(description="A holder of the task's seat.")
