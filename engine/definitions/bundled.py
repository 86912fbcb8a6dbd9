"""The process library shipped in the wheel (`bpmn/`), ready to deploy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bpmn import BUNDLE_DIR
from engine import definitions
from engine.actors import Actor
from engine.models import ProcessDefinition


def bundled_files() -> dict[str, bytes]:
    return definitions.read_bundle([BUNDLE_DIR])


def deploy_bundled(*, session: Session, actor: Actor) -> list[ProcessDefinition]:
    return definitions.deploy(session=session, actor=actor, files=bundled_files())
