"""Human tasks: my inbox, one task with its form, and the task commands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import TypeAdapter

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.policies import require_task_visible
from api.schemas.common import COMMAND_ERRORS, ERRORS, Limit, TaskId, validated_json
from api.schemas.tasks import CompleteTask, ReassignTask, TaskDetail, TaskOut
from engine import tasks

router = APIRouter(prefix="/tasks", tags=["tasks"])
_TASKS = TypeAdapter(list[TaskOut])


@router.get("/inbox", response_model=list[TaskOut], responses=ERRORS,
            summary="My inbox: ready tasks of my seats (unclaimed or claimed by me), overdue first")
def inbox(principal: CurrentUser, session: SessionDep, limit: Limit = 100,
          offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    return validated_json(_TASKS, tasks.inbox_rows(session=session, actor=principal.actor, limit=limit, offset=offset,
                                                   seats=principal.seats))


@router.get("/{task_id}", response_model=TaskDetail, responses=ERRORS,
            summary="One task with the JSON Schema of its form",
            description="Visible to holders of its seat, the incident's commander, auditors and admins.")
def show(task_id: TaskId, principal: CurrentUser, session: SessionDep) -> TaskDetail:
    task = tasks.get(session=session, task_id=task_id)
    require_task_visible(session, principal, task)
    return TaskDetail.of(task, tasks.form_of(session=session, task=task),
                         tasks.guidance_for(session=session, task=task))


@router.post("/{task_id}/claim", response_model=TaskOut, responses=COMMAND_ERRORS,
             summary="Claim a task of your seat, so others see it is being worked on")
def claim(task_id: TaskId, command: CommandDep) -> TaskOut | Response:
    return command.run(lambda s, actor: TaskOut.model_validate(
        tasks.claim(session=s, actor=actor, task_id=task_id)))


@router.post("/{task_id}/release", response_model=TaskOut, responses=COMMAND_ERRORS,
             summary="Give a claimed task back to its seat (the claimer or the commander)")
def release(task_id: TaskId, command: CommandDep) -> TaskOut | Response:
    return command.run(lambda s, actor: TaskOut.model_validate(
        tasks.release(session=s, actor=actor, task_id=task_id)))


@router.post("/{task_id}/complete", response_model=TaskOut, responses=COMMAND_ERRORS,
             summary="Complete a task with its form data",
             description="422 names every invalid field; 409 if the task is no longer ready.")
def complete(task_id: TaskId, body: CompleteTask, command: CommandDep) -> TaskOut | Response:
    return command.run(lambda s, actor: TaskOut.model_validate(
        tasks.complete(session=s, actor=actor, task_id=task_id, data=body.data)), body)

@router.post("/{task_id}/reassign", response_model=TaskOut, responses=COMMAND_ERRORS,
             summary="Hand a task to a named holder of its seat (the incident's commander)")
def reassign(task_id: TaskId, body: ReassignTask, command: CommandDep) -> TaskOut | Response:
    return command.run(lambda s, actor: TaskOut.model_validate(
        tasks.reassign(session=s, actor=actor, task_id=task_id, username=body.username)), body)
