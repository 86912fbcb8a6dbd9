"""Move a running incident to a newer version of its process (opt-in, by an administrator, audited):
Camunda's process instance migration. It moves when every element the incident stands at or went
through exists in the newer version under the same id; otherwise it is refused, naming the
elements that have no counterpart. Tasks keep their ids, data and deadlines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, definitions
from engine.actors import Actor
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.incidents.pipeline import Locked, run_command
from engine.messages import (
    INCIDENT_NOT_RUNNING,
    MIGRATION_ADMIN_ONLY,
    MIGRATION_NOT_NEWER,
    MIGRATION_UNMATCHED,
    MIGRATION_VERSION_FIELD,
)
from engine.models import HumanTask, Incident, ProcessDefinition
from engine.workflow import WorkflowRuntime
from forms.vocabulary import ACTIVE, FAILED


def _retitle_open_tasks(session: Session, incident_id: int, runtime: WorkflowRuntime) -> None:
    """The open tasks (same ids) now read as the new version names them: title, form, phase; their
    seat and whoever holds them stay."""
    views = {view.id: view for view in runtime.ready_user_tasks()}
    for row in session.scalars(select(HumanTask).where(HumanTask.incident_id == incident_id,
                                                       HumanTask.state == "ready")):
        view = views.get(row.id)
        if view is not None:
            row.title, row.title_zh, row.phase = view.title, view.title_zh, view.phase
            row.form_key = view.form_key or ""


def newer_versions(*, session: Session, incident: Incident) -> list[int]:
    """The versions of the incident's process it may be moved to (newer than its own)."""
    if incident.status not in (ACTIVE, FAILED):
        return []
    current = session.get_one(ProcessDefinition, incident.definition_id)
    return sorted(d.version for d in definitions.list_definitions(session=session, process_id=current.process_id)
                  if d.version > current.version)


def migrate(*, session: Session, actor: Actor, incident_id: int, to_version: int) -> Incident:
    if not actor.is_admin:
        raise Forbidden(MIGRATION_ADMIN_ONLY)

    def change(locked: Locked) -> None:
        incident = locked.incident
        if incident.status not in (ACTIVE, FAILED):
            raise Conflict(INCIDENT_NOT_RUNNING, reference=incident.reference, status=incident.status)
        current = session.get_one(ProcessDefinition, incident.definition_id)
        target = definitions.get(session=session, process_id=current.process_id, version=to_version)
        if target.version <= current.version:
            raise InvalidInput(MIGRATION_NOT_NEWER, version=to_version, current=current.version,
                               fields={"to_version": MIGRATION_VERSION_FIELD()})
        missing = locked.runtime.migrate_to(target.spec_json)
        if missing:
            raise Conflict(MIGRATION_UNMATCHED, reference=incident.reference, version=target.version,
                           elements=", ".join(missing))
        incident.definition_id = target.id
        _retitle_open_tasks(session, incident.id, locked.runtime)
        audit.record(session=session, actor=actor.username, action="incident_migrated", incident_id=incident.id,
                     payload={"process_id": target.process_id, "from_version": current.version,
                              "to_version": target.version})

    return run_command(session, incident_id, actor, change, must_be_active=False)
