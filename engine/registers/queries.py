"""Reading the registers kept as rows: the hazard register 风险隐患台账, improvement actions and the
units' emergency plans. They change only through their processes' tasks (see engine.operators)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.messages import HAZARD_NOT_FOUND
from engine.models import EmergencyPlan, Hazard, ImprovementAction, Incident
from forms.vocabulary import OPEN_ACTION_STATUSES

MAX_PAGE = 200


@dataclass(frozen=True)
class HazardFilter:
    unit: str | None = None
    status: str | None = None
    grade: str | None = None
    owner_seat: str | None = None
    overdue_at: datetime | None = None  # only hazards still open past their deadline at this time


def list_hazards(
    *, session: Session, filters: HazardFilter | None = None, after_id: int | None = None, limit: int = 50
) -> list[Hazard]:
    """Newest first; `after_id` is the cursor (the id of the last hazard already seen)."""
    f = filters or HazardFilter()
    query = select(Hazard).order_by(Hazard.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    for column, value in ((Hazard.unit, f.unit), (Hazard.status, f.status), (Hazard.grade, f.grade),
                          (Hazard.owner_seat, f.owner_seat)):
        if value is not None:
            query = query.where(column == value)
    if f.overdue_at is not None:
        query = query.where(Hazard.deadline < f.overdue_at,
                            Hazard.status.in_(("open", "rectifying", "escalated")))
    if after_id is not None:
        query = query.where(Hazard.id < after_id)
    return list(session.scalars(query))


def get_hazard(*, session: Session, hazard_id: int) -> Hazard:
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        raise NotFound(HAZARD_NOT_FOUND, hazard_id=hazard_id)
    return hazard


@dataclass(frozen=True)
class ActionFilter:
    status: str | None = None
    owner_seat: str | None = None
    plan_unit: str | None = None
    incident_id: int | None = None
    capability: str | None = None
    source: str | None = None
    due_before: datetime | None = None
    #: Only actions not done yet (open, overdue, or awaiting verification).
    not_done: bool = False


def list_improvement_actions(
    *, session: Session, filters: ActionFilter | None = None, after_id: int | None = None, limit: int = 50
) -> list[ImprovementAction]:
    """Newest first; cursor by id (the id of the last action already seen)."""
    f = filters or ActionFilter()
    query = select(ImprovementAction).order_by(ImprovementAction.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    for column, value in ((ImprovementAction.status, f.status), (ImprovementAction.owner_seat, f.owner_seat),
                          (ImprovementAction.plan_unit, f.plan_unit), (ImprovementAction.incident_id, f.incident_id),
                          (ImprovementAction.capability, f.capability), (ImprovementAction.source, f.source)):
        if value is not None:
            query = query.where(column == value)
    if f.not_done:
        query = query.where(ImprovementAction.status.in_(OPEN_ACTION_STATUSES))
    if f.due_before is not None:
        query = query.where(ImprovementAction.due_at < f.due_before)
    if after_id is not None:
        query = query.where(ImprovementAction.id < after_id)
    return list(session.scalars(query))


def references(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The references of the processes the registers point to (id -> e.g. IMP-2026-0001)."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = session.execute(select(Incident.id, Incident.reference).where(Incident.id.in_(ids))).all()
    return {row.id: row.reference for row in rows}


def plan_versions(*, session: Session, unit: str) -> list[EmergencyPlan]:
    """Every version of a unit's plan, newest (the one in force) first."""
    return list(session.scalars(
        select(EmergencyPlan).where(EmergencyPlan.unit == unit).order_by(EmergencyPlan.version.desc())))
