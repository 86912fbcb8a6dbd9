"""A task's form: the form its definition's bundle brought (kept with that definition version, so a
running incident keeps the forms it started with), else the built-in library's (`forms`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask, Incident, ProcessDefinition
from forms import task_schema
from forms.bundled import FORM_SUFFIX, bundle_schema

__all__ = ["bundled_form", "form_of"]


def bundled_form(*, session: Session, task: HumanTask) -> dict[str, Any] | None:
    """The schema of the task's form when its bundle brought it, else None (a built-in form)."""
    files = session.scalar(select(ProcessDefinition.files).join(
        Incident, Incident.definition_id == ProcessDefinition.id).where(Incident.id == task.incident_id))
    text = (files or {}).get(f"{task.form_key}{FORM_SUFFIX}")
    return bundle_schema(text) if isinstance(text, str) else None


def form_of(*, session: Session, task: HumanTask) -> dict[str, Any]:
    """The schema the task's page shows and its API describes."""
    bundled = bundled_form(session=session, task=task)
    return bundled if bundled is not None else task_schema(task.form_key)
