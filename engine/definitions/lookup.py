"""Finding deployed definitions: by process id (the newest or a given version), or by row id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from engine.errors import NotFound
from engine.messages import DEFINITION_ID_NOT_FOUND, DEFINITION_NOT_FOUND, DEFINITION_VERSION_NOT_FOUND
from engine.models import ProcessDefinition


def get(*, session: Session, process_id: str, version: int | None = None, files: bool = True) -> ProcessDefinition:
    """A definition by process id: the given version, or the newest. Without `files`, the bundle's
    files and summary (tens of kB of JSON) are not read: what starting an instance needs."""
    query = select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)
    if not files:
        query = query.options(load_only(ProcessDefinition.id, ProcessDefinition.process_id, ProcessDefinition.name,
                                        ProcessDefinition.version, ProcessDefinition.spec_json))
    query = (query.where(ProcessDefinition.version == version) if version is not None
             else query.order_by(ProcessDefinition.version.desc()))
    definition = session.scalars(query.limit(1)).first()
    if definition is None:
        if version is not None:
            raise NotFound(DEFINITION_VERSION_NOT_FOUND, process_id=process_id, version=version)
        raise NotFound(DEFINITION_NOT_FOUND, process_id=process_id)
    return definition


def get_by_id(*, session: Session, definition_id: int) -> ProcessDefinition:
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound(DEFINITION_ID_NOT_FOUND, definition_id=definition_id)
    return definition


def list_definitions(*, session: Session, process_id: str | None = None) -> list[ProcessDefinition]:
    query = select(ProcessDefinition).order_by(ProcessDefinition.process_id, ProcessDefinition.version.desc())
    if process_id:
        query = query.where(ProcessDefinition.process_id == process_id)
    return list(session.scalars(query))
