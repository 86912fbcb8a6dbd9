"""Warnings received from the issuer and relayed to every grid (预警)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.schemas.common import COMMAND_ERRORS, ERRORS, IncidentRef
from api.schemas.warnings import ChangeWarning, ReceiveWarning, WarningOut
from engine import warnings
from engine.actors import Actor

router = APIRouter(prefix="/warnings", tags=["warnings"])


@router.post("", response_model=WarningOut, status_code=201, responses=COMMAND_ERRORS,
             summary="Receive a warning from the issuer (duty officer, community commander)",
             description="Starts relaying it: every grid confirms it was reached by the level's deadline, the "
                         "level's seats stand by, the situation is reported on the level's cadence. 422 names "
                         "each wrong field (an expiry before issue, or already past, included).")
def receive(body: ReceiveWarning, command: CommandDep) -> WarningOut | Response:
    def act(session: Session, actor: Actor) -> WarningOut:
        incident = warnings.receive(session=session, actor=actor, warning=body.warning(), unit=body.unit,
                                    exercise=body.exercise)
        return WarningOut.model_validate(warnings.show(session=session, ref=incident.id))

    return command.run(act, body)


@router.get("", response_model=list[WarningOut], responses=ERRORS, summary="Warnings received, newest first")
def list_warnings(_: CurrentUser, session: SessionDep,
                  in_force: Annotated[bool, Query(description="Only those still in force.")] = False
                  ) -> list[WarningOut]:
    return [WarningOut.model_validate(w) for w in warnings.list_warnings(session=session, in_force_only=in_force)]


@router.get("/{ref}", response_model=WarningOut, responses=ERRORS, summary="One warning with its level in force")
def show(ref: IncidentRef, _: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(warnings.show(session=session, ref=ref))


@router.post("/{ref}/changes", response_model=WarningOut, responses=COMMAND_ERRORS,
             summary="Pass on the issuer's change: raise, lower, lift, or open an incident",
             description="A raised or lowered level relays the warning again at the new level; lifting it closes "
                         "it; `open_incident` starts a linked incident_lifecycle.")
def change(ref: IncidentRef, body: ChangeWarning, command: CommandDep) -> WarningOut | Response:
    return command.run(lambda s, actor: WarningOut.model_validate(warnings.change(
        session=s, actor=actor, ref=ref, change=body.change, level=body.level, reason=body.reason)), body)
