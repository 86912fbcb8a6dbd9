"""A message rehearsed before it is sent: `incidents.preview_message` names the open tasks that
sending it would cancel, exactly those the real message then cancels, and changes nothing —
no rows, no audit events, no notifications, no version, no cached workflow (cached and restored)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import incidents
from engine.clock import ManualClock
from engine.db import Database
from engine.models import AuditEvent, HumanTask, Notification
from tests.library_helpers import Library


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _counts(db: Database, incident_id: int) -> tuple[int, int, int, list[str]]:
    with db.read() as session:
        return (session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                session.scalar(select(func.count()).select_from(Notification)) or 0,
                incidents.get(session=session, incident_id=incident_id).version,
                sorted(session.scalars(select(HumanTask.id).where(HumanTask.incident_id == incident_id,
                                                                  HumanTask.state == "ready"))))


def test_the_rehearsal_names_what_the_message_cancels_and_changes_nothing(library: Library, db: Database) -> None:
    incident_id = library.start("incident_lifecycle")
    while "response_over" not in library.state(incident_id).waiting_messages:
        [first, *_] = library.open_tasks(incident_id)
        library.complete_task(first)
    commander = library.actors[library.commander(incident_id)]
    before = _counts(db, incident_id)
    with db.transaction() as session:
        preview = incidents.preview_message(session=session, actor=commander, incident_id=incident_id,
                                            name="response_over", payload={"declared_by": commander.username})
        named = sorted(t.id for t in preview)
    assert named, "the response had open department tasks to cancel"
    assert _counts(db, incident_id) == before
    library.message(incident_id, "response_over")
    with db.read() as session:
        cancelled = sorted(session.scalars(select(HumanTask.id).where(
            HumanTask.incident_id == incident_id, HumanTask.state == "cancelled")))
    assert cancelled == named
