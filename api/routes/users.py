"""User administration (admins) — the CLI's `renxing users` over HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.policies import require_auditor
from api.schemas.common import COMMAND_ERRORS, ERRORS
from api.schemas.users import CreateUser, GrantSeat, SeatOut, UserOut, user_out
from engine import seats
from engine.seats import auth

router = APIRouter(tags=["users"])


@router.get("/users", response_model=list[UserOut], responses=ERRORS,
            summary="List users and their seats (administrators and auditors)")
def list_users(principal: CurrentUser, session: SessionDep) -> list[UserOut]:
    require_auditor(principal)
    return [user_out(session, user) for user in seats.list_users(session=session)]


@router.post("/users", response_model=UserOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Add a user (administrators)")
def create_user(body: CreateUser, command: CommandDep) -> UserOut | Response:
    password_hash = auth.hash_password(body.password)  # slow on purpose: outside the transaction
    return command.run(lambda s, actor: user_out(s, seats.create_user(
        session=s, actor=actor, username=body.username, display_name=body.display_name,
        password_hash=password_hash, is_admin=body.is_admin, language=body.language)), body)

@router.post("/seats", response_model=SeatOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Seat a user in a role for every incident (administrators)",
             description="For a seat on one incident use `POST /incidents/{ref}/seats`.")
def grant_seat(body: GrantSeat, command: CommandDep) -> SeatOut | Response:
    return command.run(lambda s, actor: SeatOut.model_validate(
        seats.seat(session=s, actor=actor, username=body.username, role=body.role)), body)
