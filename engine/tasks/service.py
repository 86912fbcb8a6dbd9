"""Human tasks: inboxes, claiming, and completing tasks with validated form data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from engine import audit, registers, seats
from engine.actors import Actor
from engine.db import now
from engine.db.database import is_postgres
from engine.db.locking import hold, hold_incident, lock_for_update
from engine.definitions.forms import definition_form, form_of
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.incidents.pipeline import Locked, run_command
from engine.incidents.replenishment import raise_replenishment
from engine.messages import (
    SEAT_MUST_HOLD,
    SEAT_NOT_HELD,
    TASK_CLAIMED_BY_OTHER,
    TASK_DATA_NOT_VALID,
    TASK_FOUR_EYES,
    TASK_NOT_FOUND,
    TASK_NOT_READY,
    TASK_NOT_READY_STATE,
    TASK_REASSIGN_FORBIDDEN,
    TASK_RELEASE_FORBIDDEN,
    TASK_SEAT_NOT_HELD,
)
from engine.models import HumanTask, Incident, Resource, RoleAssignment
from engine.tasks import escalation
from forms import resource_field, validate
from forms.vocabulary import TASK_COMPLETED, TASK_READY

READY = TASK_READY


def get(*, session: Session, task_id: str) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(TASK_NOT_FOUND, task_id=task_id)
    return task


def may_act_on(*, session: Session, actor: Actor, task: HumanTask) -> bool:
    """Holders of the task's seat may act on it, and so may the person it is assigned to by name
    (a model's `assignee`: a decision's maker keeps the right to make their statement even after
    command moved on). Claiming and reassigning require the seat; losing it releases the claim."""
    if task.assignee_id is not None and task.assignee_id == actor.user_id:
        return True
    return seats.holds(session=session, actor=actor, role=task.role, incident_id=task.incident_id)


_SEATED = exists().where(
    RoleAssignment.user_id == bindparam("user_id"), RoleAssignment.role == HumanTask.role,
    or_(RoleAssignment.incident_id.is_(None), RoleAssignment.incident_id == HumanTask.incident_id))
# A command's reads, built once (building them cost more than running them).
_TASK = select(HumanTask, _SEATED).where(HumanTask.id == bindparam("task_id")).execution_options(
    populate_existing=True)
_TASK_AND_INCIDENT = _TASK.add_columns(Incident).join(Incident, Incident.id == HumanTask.incident_id)
_INCIDENT_OF_TASK = select(Incident).where(
    Incident.id == select(HumanTask.incident_id).where(HumanTask.id == bindparam("task_id")).scalar_subquery())


def _for_command(session: Session, actor: Actor, task_id: str) -> tuple[HumanTask, bool]:
    """The task, read once its incident's row is held, and whether the actor may act on it (as
    `may_act_on` says). SQLite: one statement, the incident joined (the write transaction's
    BEGIN IMMEDIATE holds every row it reads). PostgreSQL: the incident locked, then the task read."""
    params = {"task_id": task_id, "user_id": actor.user_id}
    if is_postgres(session):
        lock_for_update(session, _INCIDENT_OF_TASK, params=params)
        row = session.execute(_TASK, params).first()
    else:
        joined = session.execute(_TASK_AND_INCIDENT, params).first()
        if joined is not None:
            hold(session, joined[2])
        row = joined
    if row is None:
        raise NotFound(TASK_NOT_FOUND, task_id=task_id)
    task, seat_held = row[0], row[1]
    if task.assignee_id is not None and task.assignee_id == actor.user_id:
        return task, True
    return task, actor.is_system if actor.user_id is None else bool(seat_held)


def _require_seat(session: Session, actor: Actor, task: HumanTask) -> None:
    if not may_act_on(session=session, actor=actor, task=task):
        raise Forbidden(TASK_SEAT_NOT_HELD, task=task.title, task_zh=task.title_zh, role=task.role)


def claim(*, session: Session, actor: Actor, task_id: str) -> HumanTask:
    task = get(session=session, task_id=task_id)
    _require_seat(session, actor, task)
    hold_incident(session, task.incident_id)  # first, as commands do
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.state == READY,
               or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == actor.user_id))
        .values(assignee_id=actor.user_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(task)
        raise Conflict(TASK_NOT_READY if task.state != READY else TASK_CLAIMED_BY_OTHER,
                       task=task.title, task_zh=task.title_zh)
    session.refresh(task)
    audit.record(session=session, actor=actor.username, action="task_claimed", incident_id=task.incident_id,
                 payload={"task_id": task.id, "task": task.task_spec})
    return task


def release(*, session: Session, actor: Actor, task_id: str) -> HumanTask:
    task = get(session=session, task_id=task_id)
    hold_incident(session, task.incident_id)
    session.refresh(task)
    if task.state != READY:
        raise Conflict(TASK_NOT_READY, task=task.title, task_zh=task.title_zh)
    is_commander = seats.holds(session=session, actor=actor, role=seats.COMMANDER, incident_id=task.incident_id)
    if task.assignee_id != actor.user_id and not (is_commander or actor.is_admin):
        raise Forbidden(TASK_RELEASE_FORBIDDEN)
    task.assignee_id = None
    audit.record(session=session, actor=actor.username, action="task_released", incident_id=task.incident_id,
                 payload={"task_id": task.id, "task": task.task_spec})
    return task


def reassign(*, session: Session, actor: Actor, task_id: str, username: str) -> HumanTask:
    """The incident's commander hands a task to a named holder of its seat."""
    task = get(session=session, task_id=task_id)
    if not (actor.is_admin or seats.holds(session=session, actor=actor, role=seats.COMMANDER,
                                           incident_id=task.incident_id)):
        raise Forbidden(TASK_REASSIGN_FORBIDDEN)
    hold_incident(session, task.incident_id)
    session.refresh(task)
    if task.state != READY:
        raise Conflict(TASK_NOT_READY, task=task.title, task_zh=task.title_zh)
    target = seats.get_user(session=session, username=username)
    if task.role not in seats.roles_of(session=session, user_id=target.id, incident_id=task.incident_id):
        raise InvalidInput(SEAT_NOT_HELD, username=username, role=task.role,
                           fields={"username": SEAT_MUST_HOLD(role=task.role)})
    task.assignee_id = target.id
    audit.record(session=session, actor=actor.username, action="task_reassigned", incident_id=task.incident_id,
                 payload={"task_id": task.id, "task": task.task_spec, "to": username})
    return task


def complete(*, session: Session, actor: Actor, task_id: str, data: Any) -> HumanTask:
    """Validate against the task's form, then complete it in the workflow — all or nothing."""
    task, may_act = _for_command(session, actor, task_id)
    if not may_act:
        raise Forbidden(TASK_SEAT_NOT_HELD, task=task.title, task_zh=task.title_zh, role=task.role)
    if task.excluded_user is not None and task.excluded_user == actor.username:
        raise Forbidden(TASK_FOUR_EYES, task=task.title, task_zh=task.title_zh, username=actor.username)
    errors = validate(task.form_key, data, schema=definition_form(session=session, incident_id=task.incident_id,
                                                                  form_key=task.form_key))
    if errors:
        raise InvalidInput(TASK_DATA_NOT_VALID, task=task.title, task_zh=task.title_zh, fields=errors)

    def change(locked: Locked) -> None:
        if task.state != READY:
            raise Conflict(TASK_NOT_READY_STATE, task=task.title, task_zh=task.title_zh, state=task.state)
        if task.assignee_id is not None and task.assignee_id != actor.user_id:
            raise Conflict(TASK_CLAIMED_BY_OTHER, task=task.title, task_zh=task.title_zh)
        short = _move_resources(session, actor, task, data)
        escalation.apply_answer(session, actor, locked, task, data)  # reassign / escalate_up move the late task
        # Later elements can tell who did it: `<element id>_by` joins the submitted data.
        locked.runtime.complete_task(task_id, {**data, f"{task.task_spec}_by": actor.username})
        for resource in short:
            raise_replenishment(session, actor, resource, reason="shortage", parent=locked.incident)
        task.state, task.completed_by, task.completed_at, task.data = (
            "completed", actor.username, now(session), data,
        )
        audit.record(session=session, actor=actor.username, action="task_completed",
                     incident_id=task.incident_id,
                     payload={"task_id": task.id, "task": task.task_spec, "title": task.title, "role": task.role,
                              "data": data})

    run_command(session, task.incident_id, actor, change)
    return task


def _move_resources(session: Session, actor: Actor, task: HumanTask, data: dict[str, Any]) -> list[Resource]:
    """What the task reserves for its incident and draws (against its incident's reservation
    first) changes in the command's transaction; returns the resources left short."""
    schema = form_of(session=session, task=task)
    short: list[Resource] = []
    for what, move in (("reserves", registers.reserve), ("draws", registers.draw)):
        field = resource_field(schema, what)
        if field and data.get(field):
            short += move(session=session, actor=actor, incident_id=task.incident_id, items=data[field], field=field)
    return list({r.id: r for r in short}.values())


def open_tasks(*, session: Session, incident_id: int | None = None, limit: int = 500) -> list[HumanTask]:
    query = select(HumanTask).where(HumanTask.state == READY)
    if incident_id is not None:
        query = query.where(HumanTask.incident_id == incident_id)
    return list(session.scalars(
        query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at).limit(limit)
    ))


def completed_tasks(*, session: Session, incident_id: int, limit: int = 10) -> list[HumanTask]:
    """The incident's completed tasks, the most recently completed first (what came before a task)."""
    return list(session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == TASK_COMPLETED)
        .order_by(HumanTask.completed_at.desc(), HumanTask.id).limit(limit)
    ))
