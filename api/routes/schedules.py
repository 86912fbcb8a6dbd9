"""The prevention calendar: read by everyone signed in, extended by an administrator. The worker
starts each entry's work on its date and escalates work left open past its deadline."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep, SettingsDep
from api.schemas.common import COMMAND_ERRORS, ERRORS, QueryText
from api.schemas.schedules import AddSchedule, ScheduleOut
from engine.config import time_zone
from engine.incidents import schedules

router = APIRouter(tags=["registers"])


@router.get("/schedules", response_model=list[ScheduleOut], responses=ERRORS,
            summary="The prevention calendar (screening, drills by type), soonest next run first")
def calendar(_: CurrentUser, session: SessionDep, unit: QueryText = None) -> list[ScheduleOut]:
    return [ScheduleOut.model_validate(s) for s in schedules.calendar(session=session, unit=unit)]


@router.post("/schedules", response_model=ScheduleOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Add an entry to the calendar (administrators)")
def add_schedule(body: AddSchedule, command: CommandDep, settings: SettingsDep) -> ScheduleOut | Response:
    values = body.model_dump()
    entry = schedules.Entry(**{k: v for k, v in values.items() if k != "unit"})
    return command.run(lambda s, actor: ScheduleOut.model_validate(schedules.add(
        session=s, actor=actor, entry=entry, unit=values["unit"], zone=time_zone(settings.time_zone))), body)
