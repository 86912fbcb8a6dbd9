"""The prevention calendar, on SQLite and PostgreSQL: the worker's sweep starts monthly screening,
screening before the flood season and annual drills by type on their dates (in the deployment's
zone) without anyone remembering them; work still open past its deadline escalates once to the
street; only an administrator changes the calendar, and a wrong entry is refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.incidents import schedules
from engine.models import Schedule
from tests.library_helpers import ADMIN, UNIT, Library

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def library(db: Database, clock: ManualClock) -> Library:
    clock.set(datetime(2027, 2, 20, 12, 0, tzinfo=UTC))
    library = Library(db, clock)
    with db.transaction() as session:
        for entry in schedules.DEFAULT_CALENDAR:
            schedules.add(session=session, actor=ADMIN, entry=entry, unit=UNIT, zone=ZONE)
    return library


def _calendar(library: Library) -> dict[str, Schedule]:
    with library.db.read() as session:
        return {s.title: s for s in schedules.calendar(session=session)}


def _sweep(library: Library, until: datetime) -> list[str]:
    library.clock.set(until)
    return schedules.sweep_schedules(library.db, ZONE)


def test_the_calendar_starts_its_work_on_its_dates(library: Library) -> None:
    calendar = _calendar(library)
    assert {title: s.next_run_at.astimezone(ZONE).strftime("%m-%d %H:%M") for title, s in calendar.items()} == {
        "Monthly hazard screening": "03-01 08:00", "Hazard screening before the flood season": "05-01 08:00",
        "Annual tabletop exercise": "03-15 08:00", "Annual full-scale exercise": "06-15 08:00",
        "Annual community risk assessment": "01-15 08:00"}
    assert _sweep(library, datetime(2027, 2, 28, 23, 59, tzinfo=UTC)) == []  # 07:59 in Shanghai: not yet
    (started,) = _sweep(library, datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    screening = _calendar(library)["Monthly hazard screening"]
    work = library.incident(screening.last_incident_id)
    assert (started, work.title, work.exercise) == (work.reference, f"Monthly hazard screening — {UNIT}", False)
    assert started.startswith("HZS-") and library.open_elements(work.id) == ["plan_screening"]
    assert screening.next_run_at.astimezone(ZONE).strftime("%m-%d") == "04-01"
    assert _sweep(library, datetime(2027, 3, 1, 0, 1, tzinfo=UTC)) == []  # fired once

    # the screening left open since 1 March is escalated on the way
    escalated, drill_reference = _sweep(library, datetime(2027, 3, 15, 0, 0, tzinfo=UTC))
    assert escalated.startswith("SUP-")
    tabletop = _calendar(library)["Annual tabletop exercise"]
    drill = library.incident(tabletop.last_incident_id)
    assert (drill.reference, drill.exercise) == (drill_reference, True) and drill_reference.startswith("DRL-")
    assert library.audit(drill.id, "schedule_fired")[0]["schedule_id"] == tabletop.id
    assert tabletop.next_run_at.astimezone(ZONE).strftime("%Y-%m-%d") == "2028-03-15"


def test_work_still_open_past_its_deadline_escalates_once_to_the_street(library: Library) -> None:
    (started,) = _sweep(library, datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    screening_id = _calendar(library)["Monthly hazard screening"].last_incident_id
    assert _sweep(library, datetime(2027, 3, 10, 23, 0, tzinfo=UTC)) == []  # ten days: still in time
    (escalation,) = _sweep(library, datetime(2027, 3, 11, 0, 1, tzinfo=UTC))
    (child,) = library.children(screening_id)
    assert (child.reference, escalation[:4]) == (escalation, "SUP-")
    task = library.task(child.id, "supervise_overdue_work")
    assert (task.role, task.subject) == ("street_commander", f"{started}: Monthly hazard screening — {UNIT}")
    assert _sweep(library, datetime(2027, 3, 12, 0, 0, tzinfo=UTC)) == []  # once
    library.complete(child.id, "supervise_overdue_work")
    assert library.incident(child.id).status == "closed"


def test_only_an_administrator_changes_the_calendar_and_wrong_entries_are_named(library: Library) -> None:
    with library.db.transaction() as session:
        with pytest.raises(Forbidden):
            schedules.add(session=session, actor=library.actors["zhao.street"], entry=schedules.DEFAULT_CALENDAR[0],
                          unit=UNIT, zone=ZONE)
        wrong = schedules.Entry("Drill", "emergency_drill", "yearly", day=31, due_days=30)
        with pytest.raises(InvalidInput) as refused:
            schedules.add(session=session, actor=ADMIN, entry=wrong, unit=UNIT, zone=ZONE)
    assert set(refused.value.fields) == {"day", "month", "drill_type"}
