"""The forms of a definition version: each version keeps the forms its tasks and messages use — the
ones its bundle brought and a snapshot of the built-in library's, taken at deploy — so a running
incident keeps the forms it started with when a later release changes a built-in form (as Camunda
keeps a deployment's forms with its process versions).

Definitions deployed before forms were kept with them got the snapshot from a data migration
(engine/migrations/data/); a form key a version does not hold falls back to the built-in library.

A definition version never changes, so its forms are read once per process (keyed on the Database
and the version, not the incident: an incident moved to a newer version — engine.incidents.migration
— reads that version's forms) — not by loading the definition's whole bundle of files on every
command.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import on_commit
from engine.models import HumanTask, Incident, ProcessDefinition
from forms import SCHEMA_DIR, available_form_keys, task_schema
from forms.bundled import FORM_SUFFIX, bundle_schema

__all__ = ["builtin_form_files", "definition_form", "form_of"]

_CAPACITY = 1024
_forms: OrderedDict[tuple[str, int], dict[str, str]] = OrderedDict()
_lock = threading.Lock()


def builtin_form_files(form_keys: Iterable[str]) -> dict[str, bytes]:
    """The built-in library's files of these form keys (those it has), to keep with a definition."""
    known = available_form_keys()
    return {f"{key}{FORM_SUFFIX}": (SCHEMA_DIR / f"{key}{FORM_SUFFIX}").read_bytes()
            for key in sorted(set(form_keys)) if key in known}


def _incident_forms(session: Session, incident_id: int) -> dict[str, str]:
    """The form files (name -> JSON text) of the incident's definition version."""
    incident = session.get(Incident, incident_id)  # a command has it loaded already: no statement
    if incident is None:
        return {}
    definition_id = incident.definition_id
    key = (str(session.info.get("db_token")), definition_id)
    with _lock:
        found = _forms.get(key)
    if found is not None:
        return found
    files = session.scalar(select(ProcessDefinition.files).where(ProcessDefinition.id == definition_id))
    found = {name: text for name, text in (files or {}).items()
             if name.endswith(FORM_SUFFIX) and isinstance(text, str)}
    if files is not None and "db_token" in session.info:
        # Read in a write transaction, the definition may still roll back (and its id be reused):
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


def definition_form(*, session: Session, incident_id: int, form_key: str) -> dict[str, Any] | None:
    """The schema of `form_key` as the incident's definition version keeps it, else None (the
    built-in library's applies)."""
    text = _incident_forms(session, incident_id).get(f"{form_key}{FORM_SUFFIX}")
    return bundle_schema(text) if text is not None else None


def form_of(*, session: Session, task: HumanTask) -> dict[str, Any]:
    """The schema the task's page shows and its API describes."""
    kept = definition_form(session=session, incident_id=task.incident_id, form_key=task.form_key)
    return kept if kept is not None else task_schema(task.form_key)
