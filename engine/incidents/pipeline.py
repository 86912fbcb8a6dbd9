"""The command pipeline: lock the incident, load its workflow, apply the change, sync.

Every command on a running incident goes through `run_command`: the row lock serialises commands
of one incident (parallel tasks completed together both succeed, one after the other), and the
caller's unit of work commits or rolls back all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db.locking import lock_incident
from engine.incidents.starting import dispatcher
from engine.incidents.store import load_runtime
from engine.incidents.sync import sync
from engine.models import Incident
from engine.workflow import WorkflowRuntime


@dataclass(frozen=True)
class Locked:
    incident: Incident
    runtime: WorkflowRuntime


def attach(session: Session, incident: Incident, runtime: WorkflowRuntime, actor: Actor) -> WorkflowRuntime:
    """Give the workflow this command's clock and the operators its service tasks may call."""
    runtime.bind(now=session.info["clock"].now, dispatcher=dispatcher(session, incident, actor))
    return runtime


def open_for_command(session: Session, incident_id: int, actor: Actor, *, must_be_active: bool = True) -> Locked:
    incident = lock_incident(session, incident_id, must_be_active=must_be_active)
    audit.defer_head(session, incident)  # `sync` writes it with the rest of the row
    return Locked(incident, attach(session, incident, load_runtime(session, incident), actor))


def run_command(
    session: Session, incident_id: int, actor: Actor, change: Callable[[Locked], None], *,
    must_be_active: bool = True,
) -> Incident:
    """Lock, load, apply `change`, persist. The caller's transaction commits or rolls back.
    `must_be_active=False`: a failed incident too (the fix before a retry)."""
    locked = open_for_command(session, incident_id, actor, must_be_active=must_be_active)
    change(locked)
    sync(session, locked.incident, locked.runtime, actor)
    return locked.incident
