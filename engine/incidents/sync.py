"""The tail of every incident command: persist the workflow, mirror its ready user tasks into
`human_tasks`, derive the incident's fields, and log what changed — all in the caller's
transaction, so either everything lands or nothing does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, registers
from engine.actors import Actor
from engine.db import now
from engine.db.rows import write_changes
from engine.incidents import task_rows
from engine.incidents.store import remember_after_commit, save_runtime
from engine.messages import INCIDENT_ENDED_BY_PROCESS
from engine.models import Incident, PhaseHistory
from engine.workflow import WorkflowRuntime
from forms.vocabulary import ACTIVE, CLOSED


def _enter_phase(session: Session, incident: Incident, phase: str, actor: Actor) -> None:
    moment = now(session)
    current = session.scalar(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident.id, PhaseHistory.left_at.is_(None))
    )
    if current is not None:
        current.left_at = moment
    session.add(PhaseHistory(incident_id=incident.id, phase=phase, entered_at=moment))
    audit.record(session=session, actor=actor.username, action="phase_changed", incident_id=incident.id,
                 payload={"from": incident.phase, "to": phase})
    incident.phase = phase


def sync(session: Session, incident: Incident, runtime: WorkflowRuntime, actor: Actor) -> None:
    """Persist and derive; call after the workflow changed, inside the command's transaction."""
    changed = task_rows.changed_by_command(session, incident)
    session.flush()
    delta = save_runtime(session, incident, runtime)
    after = runtime.snapshot()  # one walk of the task tree
    deadlines = task_rows.mirror(session, incident, after.ready, actor, changed)
    if after.phase is not None and after.phase != incident.phase:
        _enter_phase(session, incident, after.phase, actor)
    level = runtime.take_changes().get("response_level")
    if isinstance(level, str) and level != incident.response_level:
        audit.record(session=session, actor=actor.username, action="response_level_changed",
                     incident_id=incident.id, payload={"from": incident.response_level, "to": level})
        incident.response_level = level
    incident.next_timer_at = min((t.due_at for t in after.timers if t.due_at is not None), default=None)
    incident.workflow_meta = {
        **delta.meta,
        "views": {
            "timers": [
                {"name": t.name, "name_zh": t.name_zh, "element": t.element, "attached_to": t.attached_to,
                 "due_at": t.due_at.isoformat() if t.due_at else None}
                for t in after.timers
            ],
            "messages": after.messages,
            "open": {task_id: due.isoformat() if due else None for task_id, due in deadlines.items()},
        },
    }
    if after.completed and incident.status == ACTIVE:
        registers.release_held(session=session, actor=actor, incident_id=incident.id)
        incident.status = CLOSED
        incident.ended_at = now(session)
        incident.end_reason = incident.end_reason or str(INCIDENT_ENDED_BY_PROCESS())
        audit.record(session=session, actor=actor.username, action="incident_closed",
                     incident_id=incident.id, payload={"reason": incident.end_reason})
    audit.write_head(session, incident)
    incident.version += 1
    incident.updated_at = now(session)
    write_changes(session, incident)  # the row's one UPDATE, with Core
    remember_after_commit(session, incident, runtime, delta)
