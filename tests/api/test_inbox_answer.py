"""`GET /tasks/inbox` answers exactly what its task objects serialise to (issue 12): its rows are
read with their times as text for pydantic to parse, and with the seats the principal was read
with — the JSON must not change for it, zones, `Z` and microseconds included, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import event, select, update

from api.schemas.tasks import TaskOut
from engine import seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.models import HumanTask
from tests.api.conftest import Api
from tests.scenario import ADMIN

_TASKS = TypeAdapter(list[TaskOut])


def _as_objects(db: Database, username: str) -> bytes:
    """The same page through task objects (`UTCDateTime` result processing) and `TaskOut`."""
    with db.read() as session:
        actor = seats.actor_for(seats.get_user(session=session, username=username))
        found = tasks.inbox(session=session, actor=actor)
    return _TASKS.dump_json([TaskOut.model_validate(task) for task in found])


def test_the_inbox_answers_what_its_task_objects_serialise_to(api: Api, db: Database, clock: ManualClock,
                                                              deployed: None) -> None:
    references = []
    for n in range(4):
        clock.advance(timedelta(seconds=1, microseconds=123457 * n))
        references.append(api.as_("duty").start(title=f"Gas leak {n}")["reference"])
    with db.transaction() as session:
        rows = session.execute(select(HumanTask.id, HumanTask.incident_id)
                               .where(HumanTask.task_spec == "record_report")).all()
        dues: list[datetime | None] = [datetime(2026, 5, 12, 7, 0, 0, 654321, tzinfo=UTC),
                                       datetime(2026, 5, 12, 7, 0, tzinfo=UTC), None,
                                       datetime(2026, 5, 12, 15, 0, 0, 1, tzinfo=UTC)]
        for (task_id, _incident), due in zip(sorted(rows), dues, strict=True):
            session.execute(update(HumanTask).where(HumanTask.id == task_id).values(due_at=due))
        # "medical" is also seated for one incident: the inbox shows that incident's medical tasks.
        seats.seat(session=session, actor=ADMIN, username="medical", role="duty_officer",
                   incident_id=rows[0][1])
    answer = api.as_("duty").get("/tasks/inbox")
    assert answer.status_code == 200
    assert answer.content == _as_objects(db, "duty")
    listed: list[dict[str, Any]] = answer.json()
    assert len(listed) == 4
    assert [t["due_at"] for t in listed] == ["2026-05-12T07:00:00Z", "2026-05-12T07:00:00.654321Z",
                                             "2026-05-12T15:00:00.000001Z", None]
    assert all(t["created_at"].endswith("Z") for t in listed)
    assert sorted("." in t["created_at"] for t in listed) == [False, True, True, True]  # 0 µs, then some
    scoped = api.as_("medical").get("/tasks/inbox")
    assert scoped.content == _as_objects(db, "medical")
    assert [t["incident_id"] for t in scoped.json()] == [rows[0][1]]


def test_the_inbox_reads_no_seats_its_principal_carries(api: Api, db: Database, deployed: None) -> None:
    api.as_("duty").start()
    assert len(api.as_("duty").get("/tasks/inbox").json()) == 1  # the principal is read (and kept) here
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert len(api.as_("duty").get("/tasks/inbox").json()) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert not any("role_assignments" in s for s in sent), sent
    assert sum("FROM human_tasks" in s for s in sent) == 1, sent
