"""The report register of an incident: each 首报, 续报 and 终报 with its addressee, due and sent time."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.routes.incidents import IncidentId
from api.schemas.common import ERRORS
from api.schemas.reports import ReportOut, ReportRegisterOut
from engine import incidents, response

router = APIRouter(prefix="/incidents", tags=["incidents"])

@router.get("/{ref}/reports", response_model=ReportRegisterOut, responses=ERRORS,
            summary="The report register 信息报告台账: every report owed upward, due, sent, late")
def report_register(incident_id: IncidentId, _: CurrentUser, session: SessionDep,
                    database: DatabaseDep) -> ReportRegisterOut:
    incident = incidents.get(session=session, incident_id=incident_id)
    found = response.report_register(session=session, incident_id=incident_id, now=database.clock.now())
    return ReportRegisterOut(incident=incident.reference, reports=[ReportOut.model_validate(e) for e in found],
                             counts=response.response_counts(session=session, incident_id=incident_id))
