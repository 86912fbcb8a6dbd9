"""The spiral, end to end, on SQLite and PostgreSQL (DOMAIN.md: "a spiral, not a circle"): a
screening finds a hazard → the risk section of the unit's plan changes → a drill uses the plan and
finds a gap → an improvement action revises a section → the next incident's task shows the revised
section. Every step goes through the engine's public services, as the seats' holders."""

from __future__ import annotations

from sqlalchemy import select

from engine import registers, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.models import Hazard, HumanTask
from tests.library_helpers import ACTION, UNIT, Library, run_exercise, screen

STAIRWELL = {"location": "Building 3 stairwell", "facility": "gas", "grade": "major", "owner_seat": "logistics",
             "description": "Gas riser corroded behind the stairwell panel.", "rectify_within_days": 3}
FIRST_RESPONSE = "Call the gas company; clear the stairwell."
REVISED = "Close the riser valve first (key at the service station), then clear the stairwell."


def _shown(library: Library, task: HumanTask) -> registers.PlanSection | None:
    with library.db.read() as session:
        return tasks.guidance_for(session=session, task=task).plan_section


def _plan(library: Library) -> registers.PlanSection:
    with library.db.read() as session:
        plan = registers.plan_in_force(session=session, unit=UNIT)
        assert plan is not None
        return plan


def test_the_spiral_screening_plan_drill_improvement_next_incident(db: Database, clock: ManualClock) -> None:
    library = Library(db, clock)
    first = library.start("plan_revision", title="Plan of Hehua Compound",
                          data={"improvement_action_id": None, "action_title": "First plan"})
    library.complete(first, "revise_plan", as_user="ma.plan", summary="v1", section_changes=[
        {"section": "risks", "text": "Old buildings 1-6."}, {"section": "first_response", "text": FIRST_RESPONSE}])
    library.complete(first, "approve_plan", as_user="hu.approver")

    # 1. a screening finds a hazard: the register has it, and a revision of the risk section starts
    screening = screen(library, utility_findings=[STAIRWELL])
    with library.db.read() as session:
        (hazard,) = session.scalars(select(Hazard).where(Hazard.incident_id == screening))
    (revision,) = [c for c in library.children(screening) if c.reference.startswith("PLN-")]
    assert revision.unit == UNIT

    # 2. the risk section changes: the plan owner writes the hazard in, another person approves
    risks = f"Old buildings 1-6.\n- [{hazard.grade}] {hazard.location}: {hazard.description} (#{hazard.id})"
    with library.db.read() as session:  # the owner's task shows the section in force and the screening's proposal
        guidance = tasks.guidance_for(session=session, task=library.task(revision.id, "revise_plan"))
    assert guidance.plan_section is not None and guidance.plan_section.text == "Old buildings 1-6."
    assert [(p.section, p.text, p.proposed_by) for p in guidance.proposals] == [
        ("risks", risks, library.incident(screening).reference)]
    library.complete(revision.id, "revise_plan", as_user="ma.plan", summary="v2: the riser",
                     section_changes=[{"section": "risks", "text": risks}])
    library.complete(revision.id, "approve_plan", as_user="hu.approver")
    assert (_plan(library).version, _plan(library).sections["risks"]) == (2, risks)

    # 3. a drill uses the plan in force (its first-response section) and finds a gap
    drill = library.start("emergency_drill", title="Night gas-leak drill", exercise=True)
    assert library.audit(drill, "incident_started")[0]["plan_version"] == 2
    shown = _shown(library, library.task(drill, "plan_drill"))
    assert shown is not None and (shown.version, shown.section, shown.text) == (2, "first_response", FIRST_RESPONSE)
    library.complete(drill, "plan_drill")
    run_exercise(library, drill)
    gap = {**ACTION, "capability": "rescue", "issue": "Nobody had the valve room key.", "owner_seat": "plan_owner",
           "title": "Keep the valve room key at the service station", "plan_section": "first_response"}
    library.complete(drill, "evaluate_drill", gaps=gap["issue"], drill_improvement_actions=[gap])

    # 4. the improvement action revises the first-response section: owner with evidence, another verifies
    (carried,) = library.children(drill)
    shown = _shown(library, library.task(carried.id, "carry_out_action"))  # the owner sees what to revise
    assert shown is not None and (shown.section, shown.text) == ("first_response", FIRST_RESPONSE)
    library.complete(carried.id, "carry_out_action", as_user="ma.plan", evidence="Key hung in the station, logged.",
                     section_changes=[{"section": "first_response", "text": REVISED}])
    library.complete(carried.id, "verify_action", as_user="hu.approver")
    plan = _plan(library)
    assert (plan.version, plan.sections["first_response"], plan.sections["risks"]) == (3, REVISED, risks)

    # 5. the next incident's response task shows the revised section
    incident = library.start("incident_lifecycle", title="Gas smell in building 3")
    assert library.audit(incident, "incident_started")[0]["plan_version"] == 3
    library.complete(incident, "record_report")
    library.complete(incident, "appoint_commander", commander_username="li.community")
    library.complete(incident, "activate_response")
    response_task = next(t for t in library.open_tasks(incident) if t.form_key == "department_report")
    shown = _shown(library, response_task)
    assert shown is not None and (shown.version, shown.section, shown.text) == (3, "first_response", REVISED)
