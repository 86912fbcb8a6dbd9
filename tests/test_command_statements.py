"""The statements a complete-task command sends (issue 12's budget: 8 or fewer), counted on the
engine's connections while a task of a running incident is completed: the task read once with
its seat check and its incident (locked first on PostgreSQL), one INSERT or UPDATE per table
written, the incident row updated once with its audit chain head."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from engine import tasks
from engine.db import Database
from tests.scenario import ANSWERS, Scenario

BUDGET = 8


def _statements_of_completing(db: Database, scenario: Scenario, incident_id: int, element: str) -> list[str]:
    task = scenario.task(incident_id, element)
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split())[:80])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.transaction() as session:
            tasks.complete(session=session, actor=scenario.actors[task.role], task_id=task.id, data=ANSWERS[element])
            session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sent


def test_completing_a_task_stays_within_the_statement_budget(db: Database) -> None:
    scenario = Scenario(db)
    incident_id = scenario.start()
    scenario.complete(incident_id, "record_report")
    sent = _statements_of_completing(db, scenario, incident_id, "report_to_district")
    assert len(sent) <= BUDGET, "\n".join(sent)
    assert sum(s.startswith("UPDATE incidents") for s in sent) == 1, sent
    assert not any("audit_chain_heads" in s or "role_assignments" in s and s.startswith("SELECT role") for s in sent)
