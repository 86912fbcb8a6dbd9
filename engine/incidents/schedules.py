"""The prevention calendar: prevention work starts without anyone remembering it. Each schedule
(a deployment's own rows: monthly hazard screening, screening before the flood season, annual
drills by type — 桌面 tabletop / 实战 full-scale) is fired by the worker's sweep when due: it starts
its process for its unit and computes its next run. Work it started that is still open past its
deadline escalates once to the street: an `overdue_supervision` task for the street commander,
linked to the late work."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, definitions
from engine.actors import TIMER_WORKER, Actor
from engine.db import Database, now
from engine.errors import Forbidden, InvalidInput
from engine.incidents.starting import start_instance
from engine.messages import (
    SCHEDULE_ADMIN_ONLY,
    SCHEDULE_DAY_FIELD,
    SCHEDULE_DRILL_TYPE_FIELD,
    SCHEDULE_MONTH_FIELD,
    SCHEDULE_NOT_VALID,
    TITLE_OVERDUE_SUPERVISION,
)
from engine.models import Incident, Schedule
from forms.vocabulary import ACTIVE, CATEGORIES, DRILL_TYPES, SCHEDULE_RULES, SCHEDULED_PROCESSES

log = logging.getLogger(__name__)
ESCALATION_PROCESS = "overdue_supervision"
#: Scheduled work starts at this local hour of its day.
START_HOUR = 8


@dataclass(frozen=True)
class Entry:
    """One line of a calendar: what to start, for whom, when, and how long it may take."""

    title: str
    process_id: str
    rule: str
    day: int
    due_days: int
    month: int | None = None
    drill_type: str | None = None
    category: str = "accident_disaster"


#: A community's calendar as the seeds describe it; `renxing schedules seed --unit …` adds it.
DEFAULT_CALENDAR = (
    Entry("Annual community risk assessment", "risk_assessment", "yearly", month=1, day=15, due_days=30),
    Entry("Monthly hazard screening", "hazard_screening", "monthly", day=1, due_days=10),
    Entry("Hazard screening before the flood season", "hazard_screening", "yearly", month=5, day=1, due_days=15,
          category="natural_disaster"),
    Entry("Annual tabletop exercise", "emergency_drill", "yearly", month=3, day=15, due_days=30,
          drill_type="tabletop"),
    Entry("Annual full-scale exercise", "emergency_drill", "yearly", month=6, day=15, due_days=30,
          drill_type="full_scale"),
)


def next_run(rule: str, month: int | None, day: int, after: datetime, zone: ZoneInfo) -> datetime:
    """The first run of the rule strictly after `after`, at START_HOUR in `zone`, as UTC."""
    local = after.astimezone(zone)
    candidates = []
    for year in (local.year, local.year + 1):
        months = range(1, 13) if rule == "monthly" else (month or 1,)
        candidates += [datetime(year, m, day, START_HOUR, tzinfo=zone) for m in months]
    return next(c for c in candidates if c > local).astimezone(after.tzinfo)


def _check(entry: Entry) -> None:
    problems = {}
    if entry.process_id not in SCHEDULED_PROCESSES:
        problems["process_id"] = SCHEDULE_NOT_VALID()
    if entry.rule not in SCHEDULE_RULES:
        problems["rule"] = SCHEDULE_NOT_VALID()
    if not 1 <= entry.day <= 28:
        problems["day"] = SCHEDULE_DAY_FIELD()
    if entry.rule == "yearly" and not (entry.month and 1 <= entry.month <= 12):
        problems["month"] = SCHEDULE_MONTH_FIELD()
    if (entry.process_id == "emergency_drill") != (entry.drill_type in DRILL_TYPES):
        problems["drill_type"] = SCHEDULE_DRILL_TYPE_FIELD()
    if not 1 <= entry.due_days <= 365:
        problems["due_days"] = SCHEDULE_NOT_VALID()
    if entry.category not in CATEGORIES:
        problems["category"] = SCHEDULE_NOT_VALID()
    if problems:
        raise InvalidInput(SCHEDULE_NOT_VALID, fields=problems)


def add(*, session: Session, actor: Actor, entry: Entry, unit: str, zone: ZoneInfo) -> Schedule:
    """An administrator adds a line to the deployment's calendar; it first runs on its next date."""
    if not actor.is_admin:
        raise Forbidden(SCHEDULE_ADMIN_ONLY)
    _check(entry)
    moment = now(session)
    schedule = Schedule(
        title=entry.title[:200], process_id=entry.process_id, unit=unit.strip()[:200], category=entry.category,
        rule=entry.rule, month=entry.month if entry.rule == "yearly" else None, day=entry.day,
        drill_type=entry.drill_type, due_days=entry.due_days, enabled=True,
        next_run_at=next_run(entry.rule, entry.month, entry.day, moment, zone), last_run_at=None,
        last_incident_id=None, last_due_at=None, escalated_at=None, created_by=actor.username, created_at=moment)
    session.add(schedule)
    session.flush()
    audit.record(session=session, actor=actor.username, action="schedule_added", incident_id=None,
                 payload={"schedule_id": schedule.id, "title": schedule.title, "unit": schedule.unit,
                          "process_id": schedule.process_id, "next_run_at": schedule.next_run_at.isoformat()})
    return schedule


def calendar(*, session: Session, unit: str | None = None) -> list[Schedule]:
    """The calendar, soonest next run first."""
    query = select(Schedule).order_by(Schedule.next_run_at, Schedule.id)
    if unit:
        query = query.where(Schedule.unit == unit)
    return list(session.scalars(query))


def _fire(session: Session, schedule: Schedule, moment: datetime, zone: ZoneInfo) -> Incident:
    drill = schedule.process_id == "emergency_drill"
    work = start_instance(
        session=session, actor=TIMER_WORKER, definition=definitions.get(session=session,
                                                                         process_id=schedule.process_id),
        title=f"{schedule.title} — {schedule.unit}"[:200], category=schedule.category, unit=schedule.unit,
        exercise=drill, data={"schedule_id": schedule.id, "drill_type": schedule.drill_type})
    schedule.last_run_at, schedule.last_incident_id = moment, work.id
    schedule.last_due_at, schedule.escalated_at = moment + timedelta(days=schedule.due_days), None
    schedule.next_run_at = next_run(schedule.rule, schedule.month, schedule.day, moment, zone)
    audit.record(session=session, actor=TIMER_WORKER.username, action="schedule_fired", incident_id=work.id,
                 payload={"schedule_id": schedule.id, "title": schedule.title,
                          "due_at": schedule.last_due_at.isoformat(), "next_run_at": schedule.next_run_at.isoformat()})
    return work


def _escalate(session: Session, schedule: Schedule, moment: datetime) -> Incident | None:
    work = session.get(Incident, schedule.last_incident_id)
    schedule.escalated_at = moment
    if work is None or work.status != ACTIVE:
        return None
    return start_instance(
        session=session, actor=TIMER_WORKER, definition=definitions.get(session=session,
                                                                         process_id=ESCALATION_PROCESS),
        title=str(TITLE_OVERDUE_SUPERVISION(work=work.reference))[:200], category=work.category, unit=work.unit,
        exercise=False, parent_id=work.id,
        data={"work_reference": work.reference, "work_title": work.title,
              "due_at": schedule.last_due_at.isoformat() if schedule.last_due_at else None})


def sweep_schedules(db: Database, zone: ZoneInfo) -> list[str]:
    """Escalate the work that is late, then start the work that fell due; the references started."""
    with db.read() as session:  # most passes find nothing: take no write lock for that
        moment = now(session)
        due = session.scalar(select(Schedule.id).where(Schedule.enabled.is_(True), Schedule.next_run_at <= moment)
                             .limit(1)) or session.scalar(select(Schedule.id).where(
                                 Schedule.escalated_at.is_(None), Schedule.last_due_at <= moment).limit(1))
    if due is None:
        return []
    started = []
    with db.transaction() as session:
        moment = now(session)
        for schedule in session.scalars(select(Schedule).where(Schedule.escalated_at.is_(None),
                                                               Schedule.last_due_at <= moment)):
            escalation = _escalate(session, schedule, moment)
            if escalation is not None:
                started.append(escalation.reference)
        for schedule in session.scalars(select(Schedule).where(Schedule.enabled.is_(True),
                                                               Schedule.next_run_at <= moment)):
            started.append(_fire(session, schedule, moment, zone).reference)
    if started:
        log.info("calendar: started %s", started)
    return started
