"""Failed incidents: what failed and the data it saw, retrying after a fix, setting a process
variable (the fix), moving an incident to a newer version of its process."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep
from api.messages import FAILURES_FORBIDDEN
from api.policies import require_oversight
from api.routes.incidents import IncidentId
from api.schemas.common import COMMAND_ERRORS, ERRORS
from api.schemas.failures import FailureOut, MigrateIncident, RetryIncident, RetryOut, SetVariable
from api.schemas.incidents import IncidentOut
from engine import incidents
from engine.actors import Actor

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.get("/{ref}/failures", response_model=list[FailureOut], responses=ERRORS,
            summary="The incident's failures, newest first, with the data each failing step saw "
                    "(its commander, auditors, administrators)")
def failures(incident_id: IncidentId, principal: CurrentUser, session: SessionDep) -> list[FailureOut]:
    require_oversight(session, principal, incident_id, FAILURES_FORBIDDEN)
    return [FailureOut.model_validate(f) for f in incidents.history(session=session, incident_id=incident_id)]


@router.post("/{ref}/retry", response_model=RetryOut, responses=COMMAND_ERRORS,
             summary="Retry a failed incident now, after a fix (its commander or an administrator)",
             description="Audited with the reason. `failure` is null when it went through; when it failed "
                         "again the incident stays failed and `failure` says why.")
def retry(incident_id: IncidentId, body: RetryIncident, command: CommandDep) -> RetryOut | Response:
    def act(session: Session, actor: Actor) -> RetryOut:
        failure = incidents.retry(session=session, actor=actor, incident_id=incident_id, reason=body.reason)
        return RetryOut(incident=IncidentOut.model_validate(incidents.get(session=session, incident_id=incident_id)),
                        failure=FailureOut.model_validate(failure) if failure is not None else None)

    return command.run(act, body)


@router.put("/{ref}/variables/{name}", response_model=IncidentOut, responses=COMMAND_ERRORS,
            summary="Set a process variable of a running or failed incident, with a reason (its commander "
                    "or an administrator; audited with the old and new value)")
def set_variable(incident_id: IncidentId, name: str, body: SetVariable, command: CommandDep) -> IncidentOut | Response:
    return command.run(lambda s, actor: IncidentOut.model_validate(incidents.set_variable(
        session=s, actor=actor, incident_id=incident_id, name=name, value=body.value, reason=body.reason)), body)


@router.post("/{ref}/migrate", response_model=IncidentOut, responses=COMMAND_ERRORS,
             summary="Move the incident to a newer version of its process (administrators; audited)",
             description="Refused (409) naming the elements it stands at or went through that the version lacks.")
def migrate(incident_id: IncidentId, body: MigrateIncident, command: CommandDep) -> IncidentOut | Response:
    return command.run(lambda s, actor: IncidentOut.model_validate(incidents.migrate(
        session=s, actor=actor, incident_id=incident_id, to_version=body.to_version)), body)
