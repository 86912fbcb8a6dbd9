"""What an incident start sends (issue 12): its rows written with Core — no ORM unit of work
flushes anything — within its statement budget, and the incident it returns is the one stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine import incidents
from engine.db import Database
from engine.models import Incident, PhaseHistory
from tests.scenario import Scenario

#: BEGIN (or the first statement, PostgreSQL), the seat check, the definition, the plan in force,
#: the reference counter, and one INSERT or UPDATE per table written.
BUDGET = 13


def _start(db: Database, scenario: Scenario) -> tuple[Incident, list[str], list[object]]:
    sent: list[str] = []
    flushed: list[object] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split())[:80])

    def before_flush(session: Session, *_args: Any) -> None:
        flushed.extend([*session.new, *(row for row in session.dirty if session.is_modified(row)), *session.deleted])

    event.listen(db.engine, "before_cursor_execute", count)
    event.listen(Session, "before_flush", before_flush)
    try:
        with db.transaction() as session:
            incident = incidents.start(session=session, actor=scenario.actors["duty_officer"],
                                       process_id="community_incident", title="Gas leak",
                                       category="accident_disaster", unit="Hehua Compound")
            session.flush()
    finally:
        event.remove(Session, "before_flush", before_flush)
        event.remove(db.engine, "before_cursor_execute", count)
    return incident, sent, flushed


def test_a_start_writes_its_rows_without_a_unit_of_work(db: Database) -> None:
    scenario = Scenario(db)
    scenario.start()  # the first start of a year creates its counter; measure a later one
    incident, sent, flushed = _start(db, scenario)
    assert flushed == [], flushed
    assert len(sent) <= BUDGET, "\n".join(sent)
    assert sum(s.startswith("INSERT INTO incidents") for s in sent) == 1, sent
    assert sum(s.startswith("UPDATE incidents") for s in sent) == 1, sent
    with db.read() as session:
        stored = session.get_one(Incident, incident.id)
        phases = session.scalars(select(PhaseHistory).where(PhaseHistory.incident_id == incident.id)).all()
    assert (incident.reference, incident.phase, incident.version, incident.audit_seq, incident.audit_hash,
            incident.workflow_meta, incident.updated_at) == (
        stored.reference, stored.phase, stored.version, stored.audit_seq, stored.audit_hash,
        stored.workflow_meta, stored.updated_at)
    assert incident.reference.endswith("-0002") and incident.version == 1 and incident.audit_seq >= 1
    assert [(p.phase, p.entered_at, p.left_at) for p in phases] == [(incident.phase, incident.created_at, None)]
