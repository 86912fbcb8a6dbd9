"""Incidents: start, list, state (with an open failure), messages, seats, ending."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import Field

from api.schemas.common import (
    Category,
    EndOutcome,
    JsonObject,
    RequestModel,
    ResponseModel,
    RoleKey,
    ShortText,
    Username,
    text,
)
from api.schemas.tasks import TaskOut
from engine.incidents import IncidentState
from engine.models import HumanTask, IncidentFailure


class StartIncident(RequestModel):
    process_id: text(128, 1) = Field(  # type: ignore[valid-type]
        description="A deployed process, e.g. `community_incident`.", examples=["community_incident"])
    title: ShortText
    category: Category  # type: ignore[valid-type]
    unit: ShortText = Field(description="The smallest governance unit: a compound, a grid, a block.")
    exercise: bool = Field(False, description="A drill 演练: runs the same model, marked as an exercise.")
    data: JsonObject = Field(default_factory=dict, description="Initial process variables.")
    definition_version: int | None = Field(None, ge=1, le=1_000_000,
                                           description="Start on this version (default: newest).")


class IncidentOut(ResponseModel):
    id: int
    reference: str = Field(description="Stable readable reference, e.g. INC-2026-0007.")
    title: str
    category: str
    unit: str
    exercise: bool
    phase: str = Field(description="prevention | response | recovery | learning | closed")
    status: str = Field(description="active | closed | cancelled | failed")
    response_level: str | None = Field(description="I (most serious) … IV, once graded.")
    definition_id: int
    version: int = Field(description="Bumped by every command on the incident.")
    next_timer_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    end_reason: str | None


class IncidentPage(ResponseModel):
    items: list[IncidentOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class TimerOut(ResponseModel):
    name: str
    element: str
    due_at: datetime | None
    attached_to: str | None


class PhaseOut(ResponseModel):
    phase: str
    entered_at: datetime
    left_at: datetime | None


class FailureSummaryOut(ResponseModel):
    """What failed, without the data it saw (every reader of the incident sees this)."""

    id: int
    state: str = Field(description="retrying (the worker tries again at next_attempt_at) | stopped (the incident "
                                   "is failed until retried by hand) | resolved")
    element: str | None = Field(description="The model element (BPMN id) whose step failed.")
    element_name: str | None
    error_code: str = Field(description="The message code of the latest error.")
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    next_attempt_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None


class IncidentStateOut(ResponseModel):
    incident: IncidentOut
    open_tasks: list[TaskOut] = Field(
        description="Ready tasks, soonest due first: all of them for the commander, auditors and admins; "
                    "for anyone else, those of their own seats.")
    timers: list[TimerOut] = Field(description="Pending timers (deadlines, escalations).")
    waiting_messages: list[str] = Field(description="Messages the process waits for now.")
    phase_history: list[PhaseOut]
    commanders: list[str] = Field(description="Usernames holding the commander seat for it.")
    failure: FailureSummaryOut | None = Field(
        None, description="Its open failure (being retried, or stopped); the data it saw: "
                          "`GET /incidents/{ref}/failures`.")

    @classmethod
    def of(cls, st: IncidentState, visible: Callable[[HumanTask], bool],
           failure: IncidentFailure | None = None) -> IncidentStateOut:
        """`visible` decides which open tasks are listed (staff see their own seats' only)."""
        return cls(incident=IncidentOut.model_validate(st.incident),
                   failure=FailureSummaryOut.model_validate(failure) if failure is not None else None,
                   open_tasks=[TaskOut.model_validate(t) for t in st.open_tasks if visible(t)],
                   timers=[TimerOut.model_validate(t) for t in st.timers],
                   waiting_messages=list(st.waiting_messages),
                   phase_history=[PhaseOut.model_validate(h) for h in st.phase_history],
                   commanders=list(st.commanders))


class SendMessage(RequestModel):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", examples=["response_over"],
                      description="Message name; see the incident's `waiting_messages`.")
    payload: JsonObject = Field(default_factory=dict)


class SeatOnIncident(RequestModel):
    username: Username
    role: RoleKey


class EndIncident(RequestModel):
    reason: text(4000, 1) = Field(description="Why the incident ends now.")  # type: ignore[valid-type]
    outcome: EndOutcome = "cancelled"  # type: ignore[valid-type]
