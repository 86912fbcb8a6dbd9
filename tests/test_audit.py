"""The audit log: appended in the command's transaction, append-only in the database, and a
forged row is found by verify, which names it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine import audit
from engine.db import Database
from engine.models import AuditEvent
from tests.scenario import Scenario


def test_every_command_appends_chained_events(db: Database) -> None:
    scenario = Scenario(db)
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")
    with db.read() as session:
        events = list(audit.events(session=session, incident_id=incident_id))
        assert [e.action for e in events][:2] == ["incident_started", "phase_changed"] or \
            events[0].action == "incident_started"
        assert "task_completed" in [e.action for e in events]
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
            assert after.seq == before.seq + 1
        result = audit.verify(session=session)
        assert result.ok and result.first_break is None and result.events >= len(events)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'mallory'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_remove_audit_rows(db: Database, statement: str) -> None:
    Scenario(db).start()
    with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
        session.execute(text(statement))
    with db.read() as session:
        assert audit.verify(session=session).ok


def _drop_triggers(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_verify_names_the_first_forged_event(db: Database) -> None:
    scenario = Scenario(db)
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")
    with db.read() as session:
        target = session.scalars(select(AuditEvent).where(
            AuditEvent.incident_id == incident_id, AuditEvent.action == "task_completed")).one()
        target_id, target_seq = target.id, target.seq
    _drop_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": target_id})
    with db.read() as session:
        result = audit.verify(session=session)
    assert not result.ok
    assert result.first_break is not None
    assert (result.first_break.event_id, result.first_break.seq) == (target_id, target_seq)
    assert result.first_break.chain == f"incident:{incident_id}"
    assert "altered" in result.first_break.reason


def test_verify_notices_events_removed_from_the_end(db: Database) -> None:
    scenario = Scenario(db)
    incident_id = scenario.start()
    _drop_triggers(db)
    with db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit_events WHERE incident_id = :i"),
                            {"i": incident_id}).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    with db.read() as session:
        result = audit.verify(session=session)
    assert not result.ok and result.first_break is not None
    assert "removed" in result.first_break.reason
