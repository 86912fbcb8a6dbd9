"""Starting a process instance: check the report, number it, seed its variables with the unit's
plan in force, run the workflow until it waits, and record it — in the caller's transaction.

Also where a command's service tasks get their operators: `dispatcher` binds the operator table
to the command's session, incident and actor, and gives operators a way to start linked
instances (`Context.start_instance`) without importing this package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine import audit, definitions, registers, seats
from engine.actors import Actor
from engine.db import now
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
    if not actor.is_admin and not any(
        seats.holds(session=session, actor=actor, role=role, incident_id=None) for role in seats.START_ROLES
    ):
        raise Forbidden(INCIDENT_START_FORBIDDEN)
    definition = definitions.get(session=session, process_id=process_id, version=definition_version)
    return start_instance(session=session, actor=actor, definition=definition, title=title, category=category,
                          unit=unit, exercise=exercise, data=data)


def start_instance(
    *, session: Session, actor: Actor, definition: ProcessDefinition, title: str, category: str, unit: str,
    exercise: bool, data: dict[str, Any], parent_id: int | None = None,
) -> Incident:
    """Start a process instance without the seat check: also used by operators inside a command."""
    check_start_input(title, category, unit, data)
    moment = now(session)
    reference = next_reference(session, definition.process_id, moment.year)
    plan = registers.plan_in_force(session=session, unit=unit.strip())
    variables = {
        **data, "incident_reference": reference, "incident_title": title.strip(),
        "incident_category": category, "unit": unit.strip(), "exercise": bool(exercise),
        "plan": {"plan_id": plan.id, "version": plan.version, "summary": plan.summary} if plan else None,
    }
    incident = Incident(
        reference=reference, title=title.strip(), category=category, unit=unit.strip(),
        exercise=bool(exercise), phase="response", status=ACTIVE, response_level=None,
        definition_id=definition.id, parent_id=parent_id, version=0, next_timer_at=None, workflow_meta={},
        created_by=actor.username, created_at=moment, updated_at=moment,
    )
    session.add(incident)
    session.flush()
    hold(session, incident)  # created here: nobody else sees it before the commit
    audit.defer_head(session, incident)  # `sync` writes it with the rest of the row
    audit.record(session=session, actor=actor.username, action="incident_started", incident_id=incident.id,
                 payload={"reference": reference, "title": incident.title, "category": category,
                          "unit": incident.unit, "exercise": incident.exercise,
                          "process_id": definition.process_id, "version": definition.version,
                          "parent_id": parent_id, "plan_version": plan.version if plan else None,
                          "data": data})
    runtime = start_runtime(session, specs_json=definition.spec_json, data=variables,
                            dispatcher=dispatcher(session, incident, actor))
    incident.phase = runtime.phase() or "response"
    session.add(PhaseHistory(incident_id=incident.id, phase=incident.phase, entered_at=moment))
    sync(session, incident, runtime, actor)
    return incident


def dispatcher(session: Session, incident: Incident, actor: Actor) -> Dispatcher:
    """The operators a command's service tasks call, bound to this command."""

    def start_linked(*, process_id: str, title: str, category: str, unit: str, exercise: bool,
                     data: Mapping[str, Any]) -> Incident:
        return start_instance(session=session, actor=actor,
                              definition=definitions.get(session=session, process_id=process_id),
                              title=title, category=category, unit=unit, exercise=exercise, data=dict(data),
                              parent_id=incident.id)

    return dispatcher_for(Context(session, incident, actor, start_linked))
