"""The command-post overview: counts a person can take in at a glance.

Why a module of its own: each figure is one GROUP BY over rows the engine already keeps
(incidents, human_tasks, hazards, improvement_actions), so the dashboard never loads a workflow
and stays fast however many incidents run. Drills (exercise incidents) are left out unless asked
for, so an exercise never shows as a real level I emergency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db import now
from engine.models import Hazard, HumanTask, ImprovementAction, Incident
from forms.vocabulary import ACTIVE, HAZARD_GRADES, LEVELS, OPEN_ACTION_STATUSES, OPEN_HAZARD_STATUSES, PHASES

SOON = timedelta(days=30)


@dataclass(frozen=True)
class ActionDue:
    action_id: int
    title: str
    owner_seat: str
    due_at: datetime
    incident_reference: str
    overdue: bool


@dataclass(frozen=True)
class Dashboard:
    at: datetime
    by_level: dict[str, int]
    by_phase: dict[str, int]
    overdue_by_seat: dict[str, int]
    hazards_by_grade: dict[str, int]
    actions_due: dict[str, int]
    actions: list[ActionDue]


def _counts(session: Session, column: object, *where: object, order: tuple[str, ...] = ()) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()  # type: ignore[call-overload]
    found = {("" if key is None else str(key)): count for key, count in rows}
    ordered = {key: found.pop(key, 0) for key in order}
    return ordered | dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def overview(*, session: Session, include_exercises: bool = False, limit: int = 10) -> Dashboard:
    moment = now(session)
    live = [Incident.status == ACTIVE] + ([] if include_exercises else [Incident.exercise.is_(False)])
    by_level = _counts(session, Incident.response_level, *live, order=(*LEVELS, ""))
    by_phase = _counts(session, Incident.phase, *live, order=PHASES)
    overdue = session.execute(
        select(HumanTask.role, func.count()).join(Incident, Incident.id == HumanTask.incident_id)
        .where(HumanTask.state == "ready", HumanTask.due_at < moment, *live).group_by(HumanTask.role)
    ).all()
    hazards = _counts(session, Hazard.grade, Hazard.status.in_(OPEN_HAZARD_STATUSES), order=HAZARD_GRADES)
    not_done = ImprovementAction.status.in_(OPEN_ACTION_STATUSES)
    open_actions = select(ImprovementAction).where(not_done)
    buckets = {"overdue": 0, "soon": 0, "later": 0}
    for due_at in session.scalars(select(ImprovementAction.due_at).where(not_done)):
        key = "overdue" if due_at < moment else "soon" if due_at < moment + SOON else "later"
        buckets[key] += 1
    actions = [
        ActionDue(a.id, a.title, a.owner_seat, a.due_at, reference or "", a.due_at < moment)
        for a, reference in session.execute(
            open_actions.add_columns(Incident.reference).join(Incident, Incident.id == ImprovementAction.incident_id)
            .order_by(ImprovementAction.due_at, ImprovementAction.id).limit(limit)
        ).all()
    ]
    return Dashboard(
        at=moment, by_level=by_level, by_phase=by_phase,
        overdue_by_seat=dict(sorted(((r, c) for r, c in overdue), key=lambda rc: (-rc[1], rc[0]))),
        hazards_by_grade=hazards, actions_due=buckets, actions=actions,
    )
