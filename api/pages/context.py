"""What a person needs beside a task's form: the incident at a glance (level, commander, unit),
what it was started with (the first report of 接报, the decision a review is about, the action a
plan revision carries) and the answers given before (a maker's statement for the reviewer, the
evacuation area for the grid worker) — each labelled in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from api.pages import times
from api.pages.i18n import Translator
from engine import audit, incidents, seats, tasks
from engine.models import HumanTask, Incident
from forms import i18n

#: Earlier answers shown beside a task.
EARLIER = 4


@dataclass(frozen=True)
class Answers:
    title: str
    by: str
    at: datetime | None
    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class TaskContext:
    incident: Incident
    commanders: list[str]
    started_with: list[tuple[str, list[tuple[str, str]]]]
    earlier: list[Answers]


def _start_labels(_: Translator) -> dict[str, tuple[str, dict[str, str]]]:
    """What a start variable holds and its fields' names (only these are shown)."""
    return {
        "first_report": (_("First report"), {
            "location": _("Exact place"), "occurred_at": _("When it happened"), "deaths": _("Dead"),
            "injured": _("Injured"), "trapped": _("Trapped"), "missing": _("Missing"),
            "on_scene": _("Who is on scene"), "description": _("What else is known")}),
        "decision": (_("The decision under review"), {
            "decided_by": _("Decided by"), "situation": _("Situation"), "choice": _("Choice"),
            "rationale": _("Rationale"), "departs_from_plan": _("Departs from the plan"),
            "urgency": _("Urgency")}),
    }


def _text(value: Any, _: Translator, zone: Any, spec: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        if all(isinstance(v, Mapping) for v in value):
            return _("%(n)s items", n=len(value)) if value else _("none")
        items = (spec or {}).get("items") or {}
        return "、".join(i18n.enum_label(items, v, lang) for v in value) if value else _("none")
    if isinstance(value, Mapping):
        return _("%(n)s items", n=len(value))
    if spec is not None and "enum" in spec:
        return i18n.enum_label(spec, value, lang)
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return times.local(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    return str(value)


def _answers(task: HumanTask, schema: Mapping[str, Any], lang: str, zone: Any, _: Translator,
             title: str) -> Answers | None:
    properties = schema.get("properties") or {}
    rows = [(i18n.schema_title(spec, lang, name.replace("_", " ")), _text(task.data[name], _, zone, spec, lang))
            for name, spec in properties.items()
            if isinstance(spec, Mapping) and task.data and task.data.get(name) not in (None, "")]
    return Answers(title, task.completed_by or "", task.completed_at, rows) if rows else None


def task_context(session: Session, task: HumanTask, lang: str, zone: Any, title_of: Any) -> TaskContext:
    _ = Translator(lang)
    incident = incidents.get(session=session, incident_id=task.incident_id)
    commanders = [u.display_name or u.username for u in seats.holders(
        session=session, role=seats.COMMANDER, incident_id=incident.id)]
    started = next(audit.events(session=session, incident_id=incident.id, action="incident_started", limit=1), None)
    data = (started.payload or {}).get("data") or {} if started is not None else {}
    started_with = []
    for key, (heading, names) in _start_labels(_).items():
        found = data.get(key)
        if isinstance(found, Mapping):
            rows = [(label, i18n.label("urgency", found[name], lang) if name == "urgency"
                     else _text(found[name], _, zone)) for name, label in names.items()
                    if found.get(name) not in (None, "")]
            if rows:
                started_with.append((heading, rows))
    earlier = [a for t in tasks.completed_tasks(session=session, incident_id=incident.id, limit=EARLIER)
               if (a := _answers(t, tasks.form_of(session=session, task=t), lang, zone, _, title_of(t)))]
    return TaskContext(incident, commanders, started_with, earlier)
