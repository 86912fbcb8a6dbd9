"""A model's BPMN diagrams and where an incident stands on each of their elements.

The pages draw the modeller's own files with bpmn-js, so the picture a commander sees is the
workflow the engine runs, never a second drawing that can drift. This module says what to mark
on it: each element's state from the workflow facade (`engine.workflow.progress`), "overdue"
for a person's task whose deadline has passed (the inbox's due times), and the flows taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.messages import INCIDENT_NOT_FOUND
from engine.models import HumanTask, Incident, ProcessDefinition, WorkflowTaskRow
from engine.workflow import ElementInfo, ElementKind, Progress, model_elements, model_names, progress

#: The workflow's states, plus "overdue": a person's task still open past its deadline.
Mark = Literal["done", "ready", "waiting", "overdue", "error", "cancelled"]
_ORDER: tuple[Mark | None, ...] = ("overdue", "error", "ready", "waiting", "done", "cancelled", None)


@dataclass(frozen=True)
class Element:
    element_id: str
    kind: ElementKind
    name: str
    name_zh: str | None
    lane: str | None
    #: None: not reached.
    state: Mark | None = None
    #: The earliest deadline of the element's open tasks.
    due_at: datetime | None = None


@dataclass(frozen=True)
class Diagram:
    """One BPMN file as deployed, with its elements and (for an incident) their states."""

    file: str
    xml: str
    elements: tuple[Element, ...]
    #: (source element id, target element id) of every flow the incident took.
    taken: tuple[tuple[str, str], ...] = ()

    @property
    def marks(self) -> dict[str, str]:
        """Element id -> state, for the renderer."""
        return {e.element_id: e.state for e in self.elements if e.state is not None}


def _diagrams(definition: ProcessDefinition, where: Progress | None = None,
              open_tasks: Mapping[str, tuple[bool, datetime | None]] | None = None) -> list[Diagram]:
    """The definition's BPMN files, the main process's first, each with its elements marked."""
    by_file: dict[str, list[ElementInfo]] = {}
    for info in model_elements(definition.spec_json):
        by_file.setdefault(info.file, []).append(info)
    chinese = model_names(definition.files).elements
    names = list(by_file) + sorted(n for n in definition.files if n.endswith(".bpmn") and n not in by_file)
    found = []
    for name in names:
        if name not in definition.files:
            continue
        elements = []
        for info in by_file.get(name, []):
            state: Mark | None = where.states.get((name, info.element_id)) if where is not None else None
            overdue, due_at = (open_tasks or {}).get(info.element_id, (False, None)) if state == "ready" else (
                False, None)
            elements.append(Element(info.element_id, info.kind, info.name,
                                    chinese.get((name, info.element_id)) or info.name_zh, info.lane,
                                    "overdue" if overdue else state, due_at))
        if where is not None:  # what is happening now first: a reader of the list meets it at once
            elements.sort(key=lambda e: _ORDER.index(e.state))
        taken = sorted((s, t) for f, s, t in where.taken if f == name) if where is not None else []
        found.append(Diagram(name, str(definition.files[name]), tuple(elements), tuple(taken)))
    return found


def for_definition(definition: ProcessDefinition) -> list[Diagram]:
    """A deployed model's diagrams, nothing marked."""
    return _diagrams(definition)


def for_incident(*, session: Session, incident_id: int, now: datetime) -> list[Diagram]:
    """The incident's model, each element marked with where the incident stands at `now`."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(INCIDENT_NOT_FOUND, incident=incident_id)
    definition = session.get_one(ProcessDefinition, incident.definition_id)
    rows = session.execute(
        select(WorkflowTaskRow.id, WorkflowTaskRow.workflow_id, WorkflowTaskRow.parent_id,
               WorkflowTaskRow.task_spec, WorkflowTaskRow.state, WorkflowTaskRow.internal_data)
        .where(WorkflowTaskRow.incident_id == incident_id)
    ).all()
    where = progress(definition.spec_json, rows)
    open_tasks: dict[str, tuple[bool, datetime | None]] = {}
    for element, due_at in session.execute(
            select(HumanTask.task_spec, HumanTask.due_at)
            .where(HumanTask.incident_id == incident_id, HumanTask.state == "ready")):
        overdue, earliest = open_tasks.get(element, (False, None))
        if due_at is not None and (earliest is None or due_at < earliest):
            earliest = due_at
        open_tasks[element] = (overdue or (due_at is not None and due_at <= now), earliest)
    return _diagrams(definition, where, open_tasks)
