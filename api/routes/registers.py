"""Read the registers: hazards, improvement actions, plan versions. They change only through the
tasks of their processes (screening rounds, reviews, plan revisions), never by direct edits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.schemas.common import (
    ERRORS,
    MAX_ID,
    ActionSource,
    ActionStatus,
    Capability,
    Cursor,
    HazardGrade,
    HazardStatus,
    QueryText,
)
from api.schemas.registers import (
    HazardOut,
    HazardPage,
    ImprovementActionOut,
    ImprovementActionPage,
    PlanVersionOut,
    SectionChangeOut,
)
from engine import registers

router = APIRouter(tags=["registers"])
PageSize = Annotated[int, Query(ge=1, le=registers.MAX_PAGE, description="Page size.")]


@router.get("/hazards", response_model=HazardPage, responses=ERRORS,
            summary="The hazard register 风险隐患台账, newest first, filtered")
def list_hazards(
    _: CurrentUser, session: SessionDep, database: DatabaseDep, cursor: Cursor = None, limit: PageSize = 50,
    unit: QueryText = None, owner_seat: QueryText = None,
    status: HazardStatus | None = None,  # type: ignore[valid-type]
    grade: HazardGrade | None = None,  # type: ignore[valid-type]
    overdue: Annotated[bool, Query(description="Only hazards still open past their deadline.")] = False,
) -> HazardPage:
    filters = registers.HazardFilter(unit=unit, status=status, grade=grade, owner_seat=owner_seat,
                                     overdue_at=database.clock.now() if overdue else None)
    found = registers.list_hazards(session=session, filters=filters, after_id=cursor, limit=limit + 1)
    items = [HazardOut.model_validate(h) for h in found[:limit]]
    return HazardPage(items=items, next_cursor=items[-1].id if len(found) > limit else None)


@router.get("/hazards/{hazard_id}", response_model=HazardOut, responses=ERRORS, summary="One hazard")
def show_hazard(hazard_id: Annotated[int, Path(ge=1, le=MAX_ID)], _: CurrentUser,
                session: SessionDep) -> HazardOut:
    return HazardOut.model_validate(registers.get_hazard(session=session, hazard_id=hazard_id))


@router.get("/improvement-actions", response_model=ImprovementActionPage, responses=ERRORS,
            summary="The improvement plan (HSEEP AAR/IP): actions from reviews and drills, newest first, filtered")
def list_actions(
    _: CurrentUser, session: SessionDep, database: DatabaseDep, cursor: Cursor = None, limit: PageSize = 50,
    status: ActionStatus | None = None,  # type: ignore[valid-type]
    owner_seat: QueryText = None, plan_unit: QueryText = None,
    capability: Capability | None = None,  # type: ignore[valid-type]
    source: ActionSource | None = None,  # type: ignore[valid-type]
    incident_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    overdue: Annotated[bool, Query(description="Only actions not done yet past their due date.")] = False,
) -> ImprovementActionPage:
    filters = registers.ActionFilter(status=status, owner_seat=owner_seat, plan_unit=plan_unit,
                                     incident_id=incident_id, capability=capability, source=source, not_done=overdue,
                                     due_before=database.clock.now() if overdue else None)
    found = registers.list_improvement_actions(session=session, filters=filters, after_id=cursor, limit=limit + 1)
    items = [ImprovementActionOut.model_validate(a) for a in found[:limit]]
    return ImprovementActionPage(items=items, next_cursor=items[-1].id if len(found) > limit else None)


@router.get("/plans", response_model=list[PlanVersionOut], responses=ERRORS,
            summary="Every version of a unit's emergency plan (一点一案), the one in force first")
def plan_versions(unit: Annotated[str, Query(min_length=1, max_length=200)], _: CurrentUser,
                  session: SessionDep) -> list[PlanVersionOut]:
    return [PlanVersionOut.model_validate(p) for p in registers.plan_versions(session=session, unit=unit)]


PlanVersion = Annotated[int, Query(ge=1, le=MAX_ID)]


@router.get("/plans/diff", response_model=list[SectionChangeOut], responses=ERRORS,
            summary="The sections that changed between two versions of a unit's plan")
def plan_diff(unit: Annotated[str, Query(min_length=1, max_length=200)], older: PlanVersion, newer: PlanVersion,
              _: CurrentUser, session: SessionDep) -> list[SectionChangeOut]:
    return [SectionChangeOut.model_validate(c, from_attributes=True)
            for c in registers.plan_diff(session=session, unit=unit, older=older, newer=newer)]
