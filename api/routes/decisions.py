"""On-scene decisions (临场决策): recorded by the incident's commander, never changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.commands import CommandDep
from api.deps import CurrentUser, DatabaseDep, SessionDep
from api.policies import require_decision_reader, require_review_reader
from api.routes.audit import IncidentFilter, incident_id_of
from api.routes.incidents import IncidentId
from api.schemas.common import COMMAND_ERRORS, ERRORS, MAX_ID
from api.schemas.decisions import DecisionFlagOut, DecisionOut, FlagDecision, RecordDecision, ReviewOut
from engine import incidents
from engine.learning import decisions

router = APIRouter(tags=["decisions"])
DecisionId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/incidents/{ref}/decisions", response_model=DecisionOut, status_code=201, responses=COMMAND_ERRORS,
    summary="Record an on-scene decision (the incident's commander)",
    description=("Situation, options, choice, rationale and authority. A decision that departs from "
                 "the plan is flagged for fault-tolerance review 容错 at once. Corrections and "
                 "outcomes are new decisions pointing at the one they complete (`supersedes_id`). "
                 "`orders` (seat, instruction, due time) become tasks for those seats in the incident, "
                 "tracked with the decision; 409 where the incident's process version takes no orders."),
)
def record(incident_id: IncidentId, body: RecordDecision, command: CommandDep) -> DecisionOut | Response:
    return command.run(lambda s, actor: DecisionOut.model_validate(incidents.decide(
        session=s, actor=actor, incident_id=incident_id, **body.model_dump())), body)

@router.get("/incidents/{ref}/decisions", response_model=list[DecisionOut], responses=ERRORS,
            summary="The incident's decisions in order (commander, reviewers, auditors, admins)")
def list_decisions(
    incident_id: IncidentId, principal: CurrentUser, session: SessionDep,
    flagged: Annotated[bool, Query(description="Only those in the fault-tolerance record.")] = False,
) -> list[DecisionOut]:
    require_decision_reader(session, principal, incident_id)
    found = (decisions.flagged if flagged else decisions.list_for)(session=session, incident_id=incident_id)
    return [DecisionOut.model_validate(d) for d in found]


@router.get("/decisions/{decision_id}", response_model=DecisionOut, responses=ERRORS,
            summary="One decision")
def show(decision_id: DecisionId, principal: CurrentUser, session: SessionDep) -> DecisionOut:
    decision = decisions.get(session=session, decision_id=decision_id)
    require_decision_reader(session, principal, decision.incident_id)
    return DecisionOut.model_validate(decision)


@router.post("/decisions/{decision_id}/flag", response_model=DecisionFlagOut, status_code=201,
             responses=COMMAND_ERRORS,
             summary="Flag a decision for fault-tolerance review 容错 (the incident's commander or a reviewer)",
             description="A decision that departs from the plan is flagged when recorded; 409 if already flagged.")
def flag(decision_id: DecisionId, body: FlagDecision, command: CommandDep) -> DecisionFlagOut | Response:
    return command.run(lambda s, actor: DecisionFlagOut.model_validate(
        decisions.flag(session=s, actor=actor, decision_id=decision_id, reason=body.reason)), body)


@router.get("/reviews", response_model=list[ReviewOut], responses=ERRORS,
            summary="Fault-tolerance rulings, all or one incident's (reviewers, auditors, admins)")
def list_reviews(principal: CurrentUser, database: DatabaseDep, session: SessionDep,
                 incident: IncidentFilter = None) -> list[ReviewOut]:
    incident_id = incident_id_of(database, incident)
    require_review_reader(session, principal, incident_id)
    return [ReviewOut.model_validate(r) for r in decisions.reviews(session=session, incident_id=incident_id)]
