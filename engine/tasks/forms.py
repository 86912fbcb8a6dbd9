"""A task's form: the form its definition's bundle brought (kept with that definition version, so a
running incident keeps the forms it started with), else the built-in library's (`forms`).

An incident never changes its definition version, so the bundle forms of an incident are read
once per process (keyed on the Database and the incident) — not, as they were, by loading the
definition's whole bundle of files twice on every complete-task command.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import on_commit
from engine.models import HumanTask, Incident, ProcessDefinition
from forms import task_schema
from forms.bundled import FORM_SUFFIX, bundle_schema

__all__ = ["bundled_form", "form_of"]

_CAPACITY = 1024
_forms: OrderedDict[tuple[str, int], dict[str, str]] = OrderedDict()
_lock = threading.Lock()


def _bundle_forms(session: Session, incident_id: int) -> dict[str, str]:
    """The form files (name -> JSON text) of the incident's definition version."""
    key = (str(session.info.get("db_token")), incident_id)
    with _lock:
        found = _forms.get(key)
    if found is not None:
        return found
    files = session.scalar(select(ProcessDefinition.files).join(
        Incident, Incident.definition_id == ProcessDefinition.id).where(Incident.id == incident_id))
    found = {name: text for name, text in (files or {}).items()
             if name.endswith(FORM_SUFFIX) and isinstance(text, str)}
    if files is not None and "db_token" in session.info:
        # Read in a write transaction, the incident may still roll back (and its id be reused):
        # remember it only once committed.
        if "after_commit" in session.info:
            on_commit(session, lambda: _remember(key, found))
        else:
            _remember(key, found)
    return found


def _remember(key: tuple[str, int], forms: dict[str, str]) -> None:
    with _lock:
        _forms[key] = forms
        while len(_forms) > _CAPACITY:
            _forms.popitem(last=False)


def bundled_form(*, session: Session, task: HumanTask) -> dict[str, Any] | None:
    """The schema of the task's form when its bundle brought it, else None (a built-in form)."""
    text = _bundle_forms(session, task.incident_id).get(f"{task.form_key}{FORM_SUFFIX}")
    return bundle_schema(text) if text is not None else None


def form_of(*, session: Session, task: HumanTask) -> dict[str, Any]:
    """The schema the task's page shows and its API describes."""
    bundled = bundled_form(session=session, task=task)
    return bundled if bundled is not None else task_schema(task.form_key)
