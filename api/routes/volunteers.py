"""The volunteer and social-organisation register (志愿者/社会组织台账): read by everyone signed in,
kept by the volunteer coordinator. A commander's request for volunteers is matched against it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.schemas.common import COMMAND_ERRORS, ERRORS, MAX_ID, QueryText, VolunteerSkill
from api.schemas.volunteers import RegisterVolunteer, VolunteerOut
from engine import registers

router = APIRouter(tags=["registers"])


@router.get("/volunteers", response_model=list[VolunteerOut], responses=ERRORS,
            summary="Volunteers and social organisations (the second echelon), filtered")
def list_volunteers(
    _: CurrentUser, session: SessionDep, unit: QueryText = None,
    skill: VolunteerSkill | None = None,  # type: ignore[valid-type]
    available: Annotated[bool | None, Query(description="Only those free (true) or out (false).")] = None,
) -> list[VolunteerOut]:
    found = registers.list_volunteers(session=session, unit=unit, skill=skill, available=available)
    return [VolunteerOut.model_validate(v) for v in found]


@router.get("/volunteers/{volunteer_id}", response_model=VolunteerOut, responses=ERRORS,
            summary="One line of the volunteer register")
def show_volunteer(volunteer_id: Annotated[int, Path(ge=1, le=MAX_ID)], _: CurrentUser,
                   session: SessionDep) -> VolunteerOut:
    return VolunteerOut.model_validate(registers.get_volunteer(session=session, volunteer_id=volunteer_id))


@router.post("/volunteers", response_model=VolunteerOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Register a volunteer or a social organisation (volunteer coordinator)")
def register_volunteer(body: RegisterVolunteer, command: CommandDep) -> VolunteerOut | Response:
    return command.run(lambda s, actor: VolunteerOut.model_validate(
        registers.register_volunteer(session=s, actor=actor, **body.model_dump())), body)
