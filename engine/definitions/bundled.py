"""The process library shipped in the wheel (`bpmn/`), ready to deploy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bpmn import BUNDLE_DIR
from engine.actors import Actor
from engine.definitions.deploy import deploy, read_bundle
from engine.models import ProcessDefinition


def bundled_files() -> dict[str, bytes]:
    return read_bundle([BUNDLE_DIR])


def deploy_bundled(*, session: Session, actor: Actor) -> list[ProcessDefinition]:
    return deploy(session=session, actor=actor, files=bundled_files())
