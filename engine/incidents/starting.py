"""Starting a process instance: check the report, number it, seed its variables with the unit's
plan in force, run the workflow until it waits, and record it — in the caller's transaction.

Also where a command's service tasks get their operators: `dispatcher` binds the operator table
to the command's session, incident and actor, and gives operators a way to start linked
instances (`Context.start_instance`) without importing this package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from engine import audit, definitions, registers, seats
from engine.actors import Actor
from engine.db import now
from engine.db.inserts import insert_row
from engine.db.locking import hold
from engine.errors import Forbidden, InvalidInput
from engine.incidents.references import next_reference
from engine.incidents.store import start_runtime
from engine.incidents.sync import sync
from engine.messages import (
    INCIDENT_CANNOT_START,
    INCIDENT_START_FORBIDDEN,
    INCIDENT_TITLE_REQUIRED,
    INCIDENT_UNIT_REQUIRED,
    INCIDENT_VARIABLE_NAME,
)
from engine.models import Incident, PhaseHistory, ProcessDefinition
from engine.operators import Context, dispatcher_for
from engine.workflow import Dispatcher
from forms.i18n import one_of
from forms.messages import FIELD_AT_MOST_CHARACTERS, FIELD_OBJECT, Message
from forms.vocabulary import ACTIVE, CATEGORIES

#: Process variable names (and message names): what a model's expressions can refer to.
VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
#: The process variable holding the incident's reference (INC-2026-0007).
REFERENCE_VARIABLE = "incident_reference"
_INSERT_PHASE = insert(cast(Table, PhaseHistory.__table__))


def check_start_input(title: str, category: str, unit: str, data: Any) -> None:
    fields: dict[str, Message] = {}
    if not isinstance(title, str) or not title.strip():
        fields["title"] = INCIDENT_TITLE_REQUIRED()
    elif len(title) > 200:
        fields["title"] = FIELD_AT_MOST_CHARACTERS(limit=200)
    if category not in CATEGORIES:
        fields["category"] = one_of(CATEGORIES, kind="category")
    if not isinstance(unit, str) or not unit.strip():
        fields["unit"] = INCIDENT_UNIT_REQUIRED()
    elif len(unit) > 200:
        fields["unit"] = FIELD_AT_MOST_CHARACTERS(limit=200)
    if not isinstance(data, dict):
        fields["data"] = FIELD_OBJECT()
    else:
        for key in data:
            if not isinstance(key, str) or not VARIABLE.match(key):
                fields[f"data.{key}"] = INCIDENT_VARIABLE_NAME()
    if fields:
        raise InvalidInput(INCIDENT_CANNOT_START, fields=fields)


def start(
    *, session: Session, actor: Actor, process_id: str, title: str, category: str, unit: str,
    exercise: bool = False, data: dict[str, Any] | None = None, definition_version: int | None = None,
) -> Incident:
    """Report an incident (or start any deployed process) — duty officers and commanders."""
    data = {} if data is None else data
    check_start_input(title, category, unit, data)
    if not actor.is_admin and not (actor.is_system if actor.user_id is None else
                                   seats.START_ROLES & seats.roles_of(session=session, user_id=actor.user_id)):
        raise Forbidden(INCIDENT_START_FORBIDDEN)
    definition = definitions.get(session=session, process_id=process_id, version=definition_version, files=False)
    return start_instance(session=session, actor=actor, definition=definition, title=title, category=category,
                          unit=unit, exercise=exercise, data=data)


def start_instance(
    *, session: Session, actor: Actor, definition: ProcessDefinition, title: str, category: str, unit: str,
    exercise: bool, data: dict[str, Any], parent_id: int | None = None,
) -> Incident:
    """Start a process instance without the seat check: also used by operators inside a command.

    The incident is numbered and recorded as late as its model allows (`_Opening`): the per-year
    counter's row stays locked from then to the commit, so concurrent starts wait on each other
    for the end of a start, not for each other's whole workflow run."""
    check_start_input(title, category, unit, data)
    moment = now(session)
    plan = registers.plan_in_force(session=session, unit=unit.strip())
    variables = {
        **data, "incident_title": title.strip(),
        "incident_category": category, "unit": unit.strip(), "exercise": bool(exercise),
        "plan": {"plan_id": plan.id, "version": plan.version, "summary": plan.summary} if plan else None,
    }
    incident = Incident(
        title=title.strip(), category=category, unit=unit.strip(),
        exercise=bool(exercise), phase="response", status=ACTIVE, response_level=None,
        definition_id=definition.id, parent_id=parent_id, version=0, next_timer_at=None,
        workflow_meta={"views": {"open": {}}},  # no task open before: `sync` need not look for any
        audit_seq=0, audit_hash=audit.GENESIS, created_by=actor.username, created_at=moment, updated_at=moment,
        ended_at=None, end_reason=None,  # every column set: `insert_row` writes it as it stands
    )
    opening = _Opening(session, actor, incident, started={
        "title": incident.title, "category": category, "unit": incident.unit, "exercise": incident.exercise,
        "process_id": definition.process_id, "version": definition.version, "parent_id": parent_id,
        "plan_version": plan.version if plan else None, "data": data})
    early = REFERENCE_VARIABLE in definition.spec_json
    if early:  # the model's expressions may read it from the first step on
        variables[REFERENCE_VARIABLE] = opening.open()
    operators = dispatcher(session, incident, actor)

    def opened_first(name: str, params: dict[str, Any], task_data: Mapping[str, Any]) -> Any:
        opening.open()  # an operator works on the incident's row (and may show its reference)
        return operators(name, params, task_data)

    runtime = start_runtime(session, specs_json=definition.spec_json, data=variables, dispatcher=opened_first)
    reference = opening.open()
    if not early:
        runtime.set_variable(REFERENCE_VARIABLE, reference)
    incident.phase = runtime.phase() or "response"
    session.connection().execute(_INSERT_PHASE, {"incident_id": incident.id, "phase": incident.phase,
                                                 "entered_at": moment, "left_at": None})
    sync(session, incident, runtime, actor)
    return incident


class _Opening:
    """Numbers the incident and records it, once and as late as possible: before the workflow
    runs if the model mentions `incident_reference`, else when an operator is first called (it
    works on the incident's row), else after the run — which needs neither. Then `incident_started`
    opens the incident's audit chain (its payload carries the reference); nothing appends to the
    chain before, operators being the workflow's only way to the database."""

    def __init__(self, session: Session, actor: Actor, incident: Incident, *, started: dict[str, Any]) -> None:
        self.session, self.actor, self.incident, self.started = session, actor, incident, started

    def open(self) -> str:
        incident = self.incident
        if incident.id is None:
            incident.reference = next_reference(self.session, self.started["process_id"], incident.created_at.year)
            insert_row(self.session, incident)  # Core: a start has no unit of work to flush
            hold(self.session, incident)  # created here: nobody else sees it before the commit
            audit.defer_head(self.session, incident)  # `sync` writes it with the rest of the row
            audit.record(session=self.session, actor=self.actor.username, action="incident_started",
                         incident_id=incident.id, payload={"reference": incident.reference, **self.started})
        return incident.reference


def dispatcher(session: Session, incident: Incident, actor: Actor) -> Dispatcher:
    """The operators a command's service tasks call, bound to this command."""

    def start_linked(*, process_id: str, title: str, category: str, unit: str, exercise: bool,
                     data: Mapping[str, Any]) -> Incident:
        return start_instance(session=session, actor=actor,
                              definition=definitions.get(session=session, process_id=process_id, files=False),
                              title=title, category=category, unit=unit, exercise=exercise, data=dict(data),
                              parent_id=incident.id)

    return dispatcher_for(Context(session, incident, actor, start_linked))
