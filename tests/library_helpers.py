"""Shared by the process-library tests: the people and seats, a good answer for every form, and a
small driver that plays tasks by element id through the engine's public services.

`Library(db, restore=True)` clears the in-process workflow cache before every command, so each
step restores the incident's workflow from its rows (SPIFFWORKFLOW.md: run each path twice).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine import incidents, seats, tasks
from engine.actors import Actor
from engine.clock import ManualClock
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from engine.incidents import timers
from engine.incidents.store import CACHE
from engine.models import AuditEvent, HumanTask, ImprovementAction, Incident
from forms.samples import SAMPLES
from forms.samples import UNIT as SAMPLE_UNIT

ADMIN = Actor.system("library-tests")

#: username -> the global seats they hold. One holder per seat, so a task's lane names its person,
#: except where a test needs a second holder (four-eyes) or a person with two seats.
PEOPLE: dict[str, tuple[str, ...]] = {
    "wang.duty": ("duty_officer",),
    "li.community": ("community_commander", "reviewer"),
    "zhao.street": ("street_commander",),
    "chen.district": ("district_commander",),
    "qian.district": ("district_commander",),
    "qin.city": ("city_commander",),
    "yan.province": ("province_commander",),
    "liu.fire": ("fire",),
    "sun.medical": ("medical",),
    "zhou.police": ("police",),
    "wu.logistics": ("logistics",),
    "zheng.volunteers": ("volunteer_coordinator",),
    "feng.grid": ("grid_worker",),
    "tang.first": ("first_responder",),
    "he.inspector": ("hazard_inspector",),
    "xu.recovery": ("recovery_officer",),
    "ma.plan": ("plan_owner",),
    "hu.approver": ("plan_approver",),
    "gao.both": ("plan_owner", "plan_approver"),
    "lin.reviewer": ("reviewer",),
    "song.district": ("district_reviewer",),
    "deng.auditor": ("auditor",),
    "tang.station": ("service_station",),
    "bai.committee": ("community_committee",),
}
#: Who acts for a seat by default.
BY_SEAT: dict[str, str] = {}
for _username, _seats in PEOPLE.items():
    for _seat in _seats:
        BY_SEAT.setdefault(_seat, _username)
BY_SEAT["reviewer"] = "lin.reviewer"

UNIT = SAMPLE_UNIT
FORM_SAMPLES = SAMPLES

#: Element-specific answers where the form's sample does not fit.
ANSWERS: dict[str, dict[str, Any]] = {
    "appoint_commander_for_level": {"commander_username": "yan.province", "note": "The province takes command."},
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

    def respond(self, report: dict[str, Any] | None = None, commander: str = "li.community", **activation: Any) -> int:
        """An incident_lifecycle played to its response: first response, the initial reports, the
        report (by default graded below 一般), `commander` in command, the response activated (with
        `activation`'s answers)."""
        incident_id = self.start("incident_lifecycle")
        for element in ("first_response", "initial_report_phone", "initial_report_written"):
            self.complete(incident_id, element)
        self.complete(incident_id, "record_report", report)
        self.complete(incident_id, "appoint_commander", commander_username=commander)
        self.complete(incident_id, "activate_response", **activation)
        return incident_id

    def decide(self, incident_id: int, *, departs_from_plan: bool = False, choice: str = "Tow the parked cars now",
               as_user: str | None = None, orders: list[dict[str, Any]] | None = None) -> int:
        """Record an on-scene decision as the commander, with the orders it gives (each a task)."""
        self._step()
        with self.db.transaction() as session:
            return incidents.decide(
                session=session, actor=self.actors[as_user or self.commander(incident_id)],
                incident_id=incident_id, situation="Fire lane blocked by parked cars.",
                options_considered=["Wait for the owners", "Tow the cars now"], choice=choice,
                rationale="Residents trapped; every minute counts.",
                authority_basis="On-scene command authority", expected_effect="Engine reaches building 3",
                departs_from_plan=departs_from_plan, urgency="immediate", orders=orders).id

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


def run_exercise(library: Library, drill_id: int) -> None:
    """The lifecycle inside a drill, the short way: below 一般, everyone in time, no flagged decision."""
    library.complete(drill_id, "first_response")
    library.complete(drill_id, "initial_report_phone")
    library.complete(drill_id, "initial_report_written")
    library.complete(drill_id, "record_report")
    library.complete(drill_id, "appoint_commander", commander_username="li.community")
    library.complete(drill_id, "activate_response")
    for element in ("fire_rescue", "medical_care", "police_traffic"):
        library.complete(drill_id, element)
    library.message(drill_id, "response_over", {"summary": "Exercise objectives reached."})
    for element in ("final_report", "damage_statistics", "verify_statistics", "loss_assessment", "relief_distribution",
                    "requisition_compensation", "reconstruction_plan", "after_action_review", "review_report"):
        library.complete(drill_id, element)


def screen(library: Library, *, utility_findings: list[dict[str, Any]]) -> int:
    """A monthly hazard screening whose only findings are in the utilities: its id."""
    screening = library.start("hazard_screening", title="Monthly screening of Hehua Compound")
    library.complete(screening, "plan_screening")
    library.complete(screening, "screen_houses", house_findings=[])
    library.complete(screening, "screen_utilities", utility_findings=utility_findings)
    library.complete(screening, "screen_living_facilities")
    library.complete(screening, "visit_vulnerable_residents", vulnerable_findings=[])
    return screening


#: An improvement action as a drill's evaluation records it (HSEEP's AAR/IP columns).
ACTION = {"capability": "supplies", "issue": "Half the torches in the store had flat batteries.",
          "title": "Check the torches every month", "owner_seat": "logistics", "due_in_days": 10, "plan_unit": UNIT}


def action_from_drill(library: Library, **changes: Any) -> tuple[ImprovementAction, int]:
    """Run a drill whose evaluation records one improvement action: the action, and the id of the
    improvement_action process carrying it out."""
    drill_id = library.start("emergency_drill", title="Night gas-leak drill", exercise=True)
    library.complete(drill_id, "plan_drill")
    run_exercise(library, drill_id)
    library.complete(drill_id, "evaluate_drill", drill_improvement_actions=[{**ACTION, **changes}])
    (process,) = library.children(drill_id)
    with library.db.read() as session:
        return session.scalars(select(ImprovementAction).where(ImprovementAction.incident_id == drill_id)).one(), \
            process.id
