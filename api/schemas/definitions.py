"""Deployed process definitions (BPMN/DMN bundles)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import ResponseModel
from engine import definitions
from engine.models import ProcessDefinition


class DeployWarning(ResponseModel):
    """What deploy assumed without refusing the bundle (a user task given the confirmation form, …)."""

    file: str | None
    element: str | None
    message: str = Field(description="In English.")
    message_code: str = Field(description="The same by code, e.g. `model.user_task_confirmation`.")
    params: dict[str, Any]


class DefinitionOut(ResponseModel):
    id: int
    process_id: str
    name: str
    version: int
    content_hash: str
    deployed_by: str
    deployed_at: datetime
    files: list[str] = Field(description="File names of the deployed bundle; download each one.")
    warnings: list[DeployWarning] = Field(description="What deploy assumed without refusing this version.")

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionOut:
        warnings = [DeployWarning(file=w.file, element=w.element, message=str(w.message), message_code=w.message.code,
                                  params=w.message.params) for w in definitions.warnings_of(row)]
        return cls(id=row.id, process_id=row.process_id, name=row.name, version=row.version,
                   content_hash=row.content_hash, deployed_by=row.deployed_by,
                   deployed_at=row.deployed_at, files=sorted(row.files), warnings=warnings)


class UserTaskInfo(ResponseModel):
    spec_name: str = Field(description="The BPMN element id of the task.")
    title: str
    lane: str = Field(description="The seat (role) that works on the task.")
    form_key: str
    phase: str | None
    file: str


class DefinitionDetail(DefinitionOut):
    """A definition with what validation found in it (the stored summary)."""

    lanes: list[str] = Field(description="Role keys (seats) the process needs.")
    user_tasks: list[UserTaskInfo]
    forms: list[str] = Field(description="Form keys of its user tasks (see forms/schemas).")
    messages: list[str] = Field(description="Messages it can receive (e.g. `response_over`).")
    called_processes: list[str]
    decisions: list[str] = Field(description="DMN decision tables it evaluates.")
    phases: list[str]

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionDetail:
        summary: dict[str, Any] = row.summary or {}
        user_tasks = [UserTaskInfo.model_validate(t) for t in summary.get("user_tasks", [])]
        return cls(**DefinitionOut.of(row).model_dump(), user_tasks=user_tasks,
                   forms=sorted({t.form_key for t in user_tasks}),
                   lanes=list(summary.get("lanes", [])), messages=list(summary.get("messages", [])),
                   called_processes=list(summary.get("called_processes", [])),
                   decisions=list(summary.get("decisions", [])), phases=list(summary.get("phases", [])))


class DeployOut(ResponseModel):
    definitions: list[DefinitionOut] = Field(
        description="One per executable process in the bundle; unchanged processes keep their version.")
