"""Shared by the process-library tests: the people and seats, a good answer for every form, and a
small driver that plays tasks by element id through the engine's public services.

`Library(db, restore=True)` clears the in-process workflow cache before every command, so each
step restores the incident's workflow from its rows (SPIFFWORKFLOW.md: run each path twice).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine import decisions, incidents, seats, tasks, timers
from engine.actors import Actor
from engine.bundled import deploy_bundled
from engine.clock import ManualClock
from engine.db import Database
from engine.models import AuditEvent, HumanTask, Incident
from engine.workflow_store import CACHE

ADMIN = Actor.system("library-tests")

#: username -> the global seats they hold. One holder per seat, so a task's lane names its person,
#: except where a test needs a second holder (four-eyes) or a person with two seats.
PEOPLE: dict[str, tuple[str, ...]] = {
    "wang.duty": ("duty_officer",),
    "li.community": ("community_commander", "reviewer"),
    "zhao.street": ("street_commander",),
    "chen.district": ("district_commander",),
    "qian.district": ("district_commander",),
    "liu.fire": ("fire",),
    "sun.medical": ("medical",),
    "zhou.police": ("police",),
    "wu.logistics": ("logistics",),
    "zheng.volunteers": ("volunteer_coordinator",),
    "feng.grid": ("grid_worker",),
    "he.inspector": ("hazard_inspector",),
    "xu.recovery": ("recovery_officer",),
    "ma.plan": ("plan_owner",),
    "hu.approver": ("plan_approver",),
    "gao.both": ("plan_owner", "plan_approver"),
    "lin.reviewer": ("reviewer",),
    "deng.auditor": ("auditor",),
}
#: Who acts for a seat by default.
BY_SEAT: dict[str, str] = {}
for _username, _seats in PEOPLE.items():
    for _seat in _seats:
        BY_SEAT.setdefault(_seat, _username)
BY_SEAT["reviewer"] = "lin.reviewer"

UNIT = "Hehua Compound"

_FINDING = {"location": "Building 3, unit 2", "description": "Cracked load-bearing wall on the ground floor.",
            "grade": "general", "owner_seat": "grid_worker", "rectify_within_days": 7}
_ACTION = {"title": "Keep the fire lane of building 3 clear", "owner_seat": "plan_owner", "due_in_days": 30,
           "plan_unit": UNIT}

#: One good payload per form of the process library (also the default answer of its tasks).
FORM_SAMPLES: dict[str, dict[str, Any]] = {
    "incident_full_report": {
        "category": "accident_disaster", "unit": UNIT, "location": "Building 3",
        "casualties": 0, "people_affected": 40, "trapped": 0, "economic_loss": 5,
        "hazards_present": ["gas_leak"], "description": "Gas smell in the stairwell of building 3.",
    },
    "commander_appointment": {"commander_username": "li.community", "note": "On duty at the service station."},
    "response_activation": {"command_post": "Hehua Compound gate", "objectives": "Stop the leak; keep people out.",
                            "evacuation_ordered": False, "notes": "Volunteers on standby."},
    "deadline_escalation": {"action": "reinforce", "note": "Second team from the street station."},
    "department_report": {"status": "done", "actions_taken": "Leak closed at the riser valve.",
                          "resources_used": "1 engine", "people_rescued": 0},
    "volunteer_report": {"volunteers_mobilised": 12, "assignments": ["guidance", "vulnerable_residents"],
                         "status": "done", "notes": "Two teams of six."},
    "evacuation_report": {"households_checked": 64, "people_evacuated": 150, "vulnerable_residents_evacuated": 9,
                          "remaining_in_area": 0, "notes": "Three bedridden residents carried out."},
    "sheltering_report": {"shelters_opened": 1, "people_sheltered": 120, "supplies_sufficient": True,
                          "needs": "Blankets for the night."},
    "situation_report": {"status_summary": "Leak contained; buildings 2-4 evacuated.", "deaths_so_far": 0,
                         "injured_so_far": 1, "missing_so_far": 0, "resources_committed": "1 engine, 12 volunteers",
                         "threats": "Gas pocket in the basement.", "planned_actions": "Ventilate, then re-enter.",
                         "next_report_due_hours": 2},
    "damage_statistics": {"houses_damaged": 3, "direct_loss": 12.5, "people_resettled": 10},
    "verification": {"verified": True, "comment": "Checked door to door."},
    "loss_assessment": {"direct_loss": 12.5, "indirect_loss": 3, "infrastructure_damage": "Riser pipe replaced.",
                        "households_needing_aid": 4},
    "relief_distribution": {"households_served": 4, "relief_cost": 1.2},
    "requisition_compensation": {"items_requisitioned": 2, "owners_compensated": 2, "compensation_amount": 0.6,
                                 "basis": "Market rent of the two vans for one day.", "disputes_open": 0},
    "reconstruction_plan": {"summary": "Replace the riser and repair the stairwell.", "projects": [
        {"project": "Replace the gas riser of building 3", "owner_seat": "logistics", "due_date": "2026-06-30",
         "budget": 8}]},
    "incident_review": {
        "what_was_planned": "Close the riser valve within 15 minutes.", "what_happened": "It took 40 minutes.",
        "why": "The valve room key was not at the service station.",
        "what_to_change": "Keep a key at the station; list it in the plan.",
        "lessons": ["Check the keys monthly"], "improvement_actions": [],
    },
    "review_report": {"summary": "Response adequate; one gap in access to the valve room.",
                      "reported_to": "street", "shared_with_units": True},
    "maker_statement": {"wishes_to_comment": True, "statement": "Every minute counted: four people were trapped.",
                        "correction_and_reporting": "Reported to the street within the hour."},
    "fault_tolerance_ruling": {
        "distinction_experience": "inexperience_while_pioneering", "distinction_rules": "not_expressly_forbidden",
        "distinction_interest": "public_interest", "motive": "good_faith", "procedure_followed": "partly_followed",
        "known_at_the_time": "Four residents trapped; the fire lane was blocked.", "urgency": "immediate",
        "prompt_correction": "corrected_and_reported", "ruling": "excused",
        "reasoning": "A good-faith decision under pressure, reported at once.",
    },
    "screening_plan": {"scope": "All 12 buildings, the boiler room and the market stalls.",
                       "old_compounds_included": True, "vulnerable_households_listed": 23},
    "house_screening": {"houses_checked": 480, "buildings_checked": 12,
                        "house_findings": [dict(_FINDING, facility="building")]},
    "utility_screening": {"gas_points_checked": 96, "electrical_points_checked": 140, "utility_findings": []},
    "living_facility_screening": {"facilities_checked": 8, "facility_findings": []},
    "vulnerable_resident_visits": {"elderly_living_alone_visited": 17, "disabled_residents_visited": 6,
                                   "vulnerable_findings": []},
    "major_hazard_report": {"reported_to": "street", "interim_measures": "Cordon and daily checks.",
                            "summary": "Major structural hazard in building 3."},
    "hazard_rectification": {"measures_taken": "Wall braced and repaired by the property company.", "cost": 2.5},
    "hazard_verification": {"rectification_accepted": True, "verification_note": "Repair checked on site."},
    "hazard_escalation": {"action": "supervise_on_site", "note": "Listed for supervision by the street."},
    "warning_report": {"source": "forecast", "hazard_type": "rainstorm_flood", "area": "Low-lying blocks 1-4",
                       "observations": "Red rainstorm forecast: 120 mm in 6 hours.", "expected_onset_hours": 6},
    "warning_assessment": {"likelihood": "high", "expected_impact": "severe", "people_exposed": 800,
                           "proposed_level": "orange", "rationale": "Basements flooded twice in the last five years."},
    "warning_publication": {"warning_level": "orange", "message": "Heavy rain tonight: leave basements by 18:00.",
                            "channels": ["sms", "wechat_groups", "door_to_door"], "fast_track": True},
    "prepositioning_report": {"actions_completed": ["Sandbags at the garage ramps", "Pumps at building 2"],
                              "shortfalls": "One pump short.", "ready": True},
    "warning_outreach": {"households_notified": 310, "vulnerable_residents_contacted": 23, "unreachable": 1,
                         "notes": "One resident away; neighbour informed."},
    "warning_outcome": {"outcome": "lift", "reason": "The rain passed north of the compound."},
    "drill_plan": {"scenario": "Gas leak in building 3 at night.", "scenario_category": "accident_disaster",
                   "objectives": ["Close the riser within 15 minutes", "Evacuate building 3 within 20 minutes"],
                   "participants_expected": 60},
    "drill_evaluation": {"objectives_met": "most", "what_worked": "Evacuation was calm and fast.",
                         "gaps": "Nobody had the valve room key.", "drill_improvement_actions": [_ACTION]},
    "plan_draft": {"summary": "Gas leak plan of Hehua Compound", "content": "1. Duty officer calls the gas company...",
                   "change_note": "Valve room key kept at the service station."},
    "plan_approval": {"approved": True, "comments": "Clear and short."},
}

#: Element-specific answers where the form's sample does not fit.
ANSWERS: dict[str, dict[str, Any]] = {
    "appoint_commander_for_level": {"commander_username": "chen.district", "note": "District takes command."},
}


class Library:
    """Seat the people, deploy the bundled library, and play tasks through the public services."""

    def __init__(self, db: Database, clock: ManualClock, *, restore: bool = False) -> None:
        self.db = db
        self.clock = clock
        self.restore = restore
        self.actors: dict[str, Actor] = {}
        with db.transaction() as session:
            for username, held in PEOPLE.items():
                user = seats.create_user(session=session, actor=ADMIN, username=username)
                for seat in held:
                    seats.seat(session=session, actor=ADMIN, username=username, role=seat)
                self.actors[username] = seats.actor_for(user)
            deploy_bundled(session=session, actor=ADMIN)

    # --- commands --------------------------------------------------------------------------------
    def _step(self) -> None:
        if self.restore:
            CACHE.clear()

    def start(self, process_id: str, *, as_user: str = "wang.duty", title: str = "Gas leak in building 3",
              category: str = "accident_disaster", unit: str = UNIT, exercise: bool = False,
              data: dict[str, Any] | None = None) -> int:
        self._step()
        with self.db.transaction() as session:
            return incidents.start(session=session, actor=self.actors[as_user], process_id=process_id,
                                   title=title, category=category, unit=unit, exercise=exercise, data=data).id

    def task(self, incident_id: int, element: str) -> HumanTask:
        found = [t for t in self.open_tasks(incident_id) if t.task_spec == element]
        assert len(found) == 1, f"expected one open '{element}', open: {self.open_elements(incident_id)}"
        return found[0]

    def complete(self, incident_id: int, element: str, data: dict[str, Any] | None = None, *,
                 as_user: str | None = None, **changes: Any) -> HumanTask:
        """Complete the one open task of `element` as `as_user` (default: the holder of its seat,
        or its assignee), with `data` (default: the answer for the element or its form's sample)."""
        return self.complete_task(self.task(incident_id, element), data, as_user=as_user, **changes)

    def complete_task(self, task: HumanTask, data: dict[str, Any] | None = None, *, as_user: str | None = None,
                      **changes: Any) -> HumanTask:
        self._step()
        if data is None:
            data = dict(ANSWERS.get(task.task_spec) or FORM_SAMPLES[task.form_key])
        data = {**data, **changes}
        username = as_user or self.person_for(task)
        with self.db.transaction() as session:
            return tasks.complete(session=session, actor=self.actors[username], task_id=task.id, data=data)

    def person_for(self, task: HumanTask) -> str:
        if task.assignee_id is not None:
            return next(u for u, a in self.actors.items() if a.user_id == task.assignee_id)
        if task.role == "commander":
            return self.commander(task.incident_id)
        return BY_SEAT[task.role]

    def message(self, incident_id: int, name: str, payload: dict[str, Any] | None = None, *,
                as_user: str | None = None) -> None:
        self._step()
        username = as_user or self.commander(incident_id)
        with self.db.transaction() as session:
            incidents.send_message(session=session, actor=self.actors[username], incident_id=incident_id,
                                   name=name, payload=payload or {})

    def advance(self, **delta: float) -> list[str]:
        """Move the clock on and sweep the timers; returns the references advanced."""
        self._step()
        self.clock.advance(timedelta(**delta))
        return timers.sweep(self.db).advanced

    def decide(self, incident_id: int, *, departs_from_plan: bool, choice: str = "Tow the parked cars now",
               as_user: str | None = None) -> int:
        with self.db.transaction() as session:
            return decisions.record(
                session=session, actor=self.actors[as_user or self.commander(incident_id)],
                incident_id=incident_id, situation="Fire lane blocked by parked cars.",
                options_considered=["Wait for the owners", "Tow the cars now"], choice=choice,
                rationale="Residents trapped; every minute counts.",
                authority_basis="On-scene command authority", expected_effect="Engine reaches building 3",
                departs_from_plan=departs_from_plan, urgency="immediate").id

    # --- reading ---------------------------------------------------------------------------------
    def open_tasks(self, incident_id: int) -> list[HumanTask]:
        with self.db.read() as session:
            return tasks.open_tasks(session=session, incident_id=incident_id)

    def open_elements(self, incident_id: int) -> list[str]:
        return sorted(t.task_spec for t in self.open_tasks(incident_id))

    def incident(self, incident_id: int) -> Incident:
        with self.db.read() as session:
            return incidents.get(session=session, incident_id=incident_id)

    def state(self, incident_id: int) -> incidents.IncidentState:
        with self.db.read() as session:
            return incidents.state(session=session, incident_id=incident_id)

    def commander(self, incident_id: int) -> str:
        """The incident's on-scene commander (the incident-scoped `commander` seat)."""
        with self.db.read() as session:
            holders = [u.username for u in seats.holders(session=session, role=seats.COMMANDER,
                                                         incident_id=incident_id)]
        assert len(holders) == 1, f"expected one commander, found {holders}"
        return holders[0]

    def children(self, incident_id: int) -> list[Incident]:
        with self.db.read() as session:
            return list(session.scalars(select(Incident).where(Incident.parent_id == incident_id)
                                        .order_by(Incident.id)))

    def audit(self, incident_id: int, action: str) -> list[dict[str, Any]]:
        with self.db.read() as session:
            return [e.payload for e in session.scalars(
                select(AuditEvent).where(AuditEvent.incident_id == incident_id, AuditEvent.action == action)
                .order_by(AuditEvent.id))]

    def completed(self, incident_id: int, element: str) -> list[HumanTask]:
        with self.db.read() as session:
            return list(session.scalars(select(HumanTask).where(
                HumanTask.incident_id == incident_id, HumanTask.task_spec == element,
                HumanTask.state == "completed").order_by(HumanTask.completed_at)))
