"""emergency_drill and plan_revision: a drill runs the whole incident_lifecycle as an exercise, its
improvement action revises a section of the unit's plan (written by its owner, verified by another), and the
next incident starts from the new version. Cached and restored from rows before every step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import registers
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden
from engine.models import EmergencyPlan, ImprovementAction, PhaseHistory
from tests.library_helpers import UNIT, Library, run_exercise

MANUAL_REVISION = {"improvement_action_id": None, "action_title": "Annual review of the plan"}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _plans(library: Library) -> list[EmergencyPlan]:
    with library.db.read() as session:
        return list(session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == UNIT)
                                    .order_by(EmergencyPlan.version)))


def _revise(library: Library, revision_id: int, *, drafter: str = "ma.plan", summary: str) -> None:
    library.complete(revision_id, "revise_plan", as_user=drafter, summary=summary)
    library.complete(revision_id, "approve_plan", as_user="hu.approver")


def test_a_drill_revises_the_plan_that_the_next_incident_starts_from(library: Library) -> None:
    # the unit's first plan, revised by hand
    first = library.start("plan_revision", title="First plan of Hehua Compound", data=MANUAL_REVISION)
    assert library.incident(first).phase == "prevention"
    _revise(library, first, summary="Gas leak plan v1")
    assert [(p.version, p.drafted_by, p.approved_by) for p in _plans(library)] == [(1, "ma.plan", "hu.approver")]

    drill_id = library.start("emergency_drill", title="Night gas-leak drill", exercise=True)
    drill = library.incident(drill_id)
    assert (drill.reference[:4], drill.exercise, drill.phase) == ("DRL-", True, "prevention")
    (started,) = library.audit(drill_id, "incident_started")
    assert started["plan_version"] == 1  # drilled against the plan in force
    assert library.task(drill_id, "plan_drill").role == "plan_owner"
    library.complete(drill_id, "plan_drill")
    # the exercise runs the lifecycle itself, reports upward included
    assert library.open_elements(drill_id) == [
        "first_response", "initial_report_phone", "initial_report_written", "record_report"]
    assert library.incident(drill_id).phase == "response"
    run_exercise(library, drill_id)
    assert library.commander(drill_id) == "li.community"
    assert library.open_elements(drill_id) == ["evaluate_drill"]
    assert library.incident(drill_id).phase == "learning"
    library.complete(drill_id, "evaluate_drill")

    drill = library.incident(drill_id)
    assert (drill.status, drill.response_level) == ("closed", "IV")
    with library.db.read() as session:
        phases = [h.phase for h in session.scalars(select(PhaseHistory).where(PhaseHistory.incident_id == drill_id)
                                                   .order_by(PhaseHistory.id))]
        (action,) = session.scalars(select(ImprovementAction).where(ImprovementAction.incident_id == drill_id))
    assert phases == ["prevention", "response", "recovery", "learning", "closed"]
    assert (action.source, action.plan_unit, action.status) == ("drill", UNIT, "open")
    assert (action.capability, action.plan_section) == ("evacuation", "evacuation")
    (carried,) = library.children(drill_id)
    assert (carried.id, carried.reference[:4], carried.unit) == (action.revision_incident_id, "IMP-", UNIT)
    assert library.task(carried.id, "carry_out_action").role == "plan_owner"  # the action's owner seat

    library.complete(carried.id, "carry_out_action", as_user="ma.plan")
    library.complete(carried.id, "verify_action", as_user="hu.approver")
    assert [p.version for p in _plans(library)] == [1, 2]
    assert _plans(library)[-1].improvement_action_id == action.id
    assert _plans(library)[-1].sections["evacuation"].startswith("Building 3 leaves by the east fire lane")
    with library.db.read() as session:
        assert session.get(ImprovementAction, action.id).status == "done"

    # the next real incident of the unit starts from version 2
    incident_id = library.start("incident_lifecycle", title="Gas leak in building 5")
    (started,) = library.audit(incident_id, "incident_started")
    assert started["plan_version"] == 2
    with library.db.read() as session:
        assert registers.plan_in_force(session=session, unit=UNIT).summary == action.title


def test_a_drill_started_as_a_live_incident_is_refused(library: Library) -> None:
    drill_id = library.start("emergency_drill", title="Gas-leak drill", exercise=False)
    library.complete(drill_id, "plan_drill")
    drill = library.incident(drill_id)
    assert (drill.status, library.open_elements(drill_id)) == ("closed", [])
    assert (drill.response_level, library.audit(drill_id, "commander_seated")) == (None, [])


def test_the_drafter_cannot_approve_and_a_draft_sent_back_is_revised(library: Library) -> None:
    revision_id = library.start("plan_revision", title="Plan review", data=MANUAL_REVISION)
    library.complete(revision_id, "revise_plan", as_user="gao.both", summary="Draft one")
    approve = library.task(revision_id, "approve_plan")
    assert (approve.role, approve.excluded_user) == ("plan_approver", "gao.both")
    with pytest.raises(Forbidden):  # gao.both holds the approver seat too, but drafted it
        library.complete(revision_id, "approve_plan", as_user="gao.both")
    library.complete(revision_id, "approve_plan", as_user="hu.approver", approved=False, comments="Too long.")
    assert library.open_elements(revision_id) == ["revise_plan"]
    library.complete(revision_id, "revise_plan", as_user="ma.plan", summary="Draft two")
    # the second draft has a new drafter: now gao.both may approve it
    library.complete(revision_id, "approve_plan", as_user="gao.both")
    (plan,) = _plans(library)
    assert (plan.version, plan.summary, plan.drafted_by, plan.approved_by) == (1, "Draft two", "ma.plan", "gao.both")
    assert library.incident(revision_id).status == "closed"


def test_a_draft_sent_back_twice(request: pytest.FixtureRequest, library: Library) -> None:
    revision_id = library.start("plan_revision", title="Plan review", data=MANUAL_REVISION)
    for attempt in ("one", "two"):
        library.complete(revision_id, "revise_plan", summary=f"Draft {attempt}")
        library.complete(revision_id, "approve_plan", approved=False, comments="Not yet.")
    library.complete(revision_id, "revise_plan", summary="Draft three")
    library.complete(revision_id, "approve_plan")
    assert [p.summary for p in _plans(library)] == ["Draft three"]
