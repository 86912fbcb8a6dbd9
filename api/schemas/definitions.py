"""Deployed process definitions (BPMN/DMN bundles)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import ResponseModel
from engine.models import ProcessDefinition


class DefinitionOut(ResponseModel):
    id: int
    process_id: str
    name: str
    version: int
    content_hash: str
    deployed_by: str
    deployed_at: datetime
    files: list[str] = Field(description="File names of the deployed bundle; download each one.")

    @classmethod
    def of(cls, row: ProcessDefinition) -> DefinitionOut:
        return cls(id=row.id, process_id=row.process_id, name=row.name, version=row.version,
                   content_hash=row.content_hash, deployed_by=row.deployed_by,
                   deployed_at=row.deployed_at, files=sorted(row.files))


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
