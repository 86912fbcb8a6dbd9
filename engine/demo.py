"""`renxing demo`: one whole incident, report to closed, on the bundled models.

It seats demo users, reports a level II incident, lets the fire deadline pass so the timer
escalates to the commander, records an on-scene decision, declares the response over, runs
recovery and the after-action review, prints the timeline and verifies the audit chain. Time
is simulated (a manual clock starting now), so the 30-minute deadline passes instantly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from engine import audit, decisions, incidents, seats, tasks, timers
from engine.actors import Actor
from engine.bundled import deploy_bundled
from engine.clock import ManualClock
from engine.db import Database
from engine.models import User

DEMO_SEATS = {
    "wang.duty": ("Wang Fang 王芳", "duty_officer"),
    "li.commander": ("Li Wei 李伟", "commander"),
    "zhao.fire": ("Zhao Gang 赵刚", "fire"),
    "chen.medical": ("Chen Jing 陈静", "medical"),
    "liu.grid": ("Liu Yang 刘洋", "grid_worker"),
    "sun.recovery": ("Sun Li 孙丽", "recovery_officer"),
}

#: What each seat enters, by task element id.
ANSWERS: dict[str, dict[str, object]] = {
    "record_report": {"category": "accident_disaster", "location": "Building 3, Hehua Compound",
                      "casualties": 12, "people_affected": 800, "trapped": 4, "economic_loss": 350,
                      "description": "Gas explosion in a residential building; fire on floors 4-6."},
    "report_to_district": {"summary": "Level II gas explosion, 12 casualties, 4 trapped.",
                           "reported_to": "district"},
    "activate_response": {"confirmed_level": "II", "command_post": "Hehua Compound gate",
                          "notes": "Evacuate buildings 2-4."},
    "medical_care": {"status": "done", "actions_taken": "Triage on site; 12 taken to hospital.",
                     "people_rescued": 0},
    "escalate_fire_delay": {"action": "reinforce", "note": "Second engine company dispatched."},
    "fire_rescue": {"status": "done", "actions_taken": "Fire out; 4 trapped residents rescued.",
                    "resources_used": "2 engines, 1 ladder", "people_rescued": 4},
    "damage_statistics": {"houses_damaged": 18, "direct_loss": 420.5, "people_resettled": 56},
    "verify_statistics": {"verified": True, "comment": "Checked door to door."},
    "relief_distribution": {"households_served": 23, "relief_cost": 35.0},
    "after_action_review": {"what_was_planned": "Fire team on scene in 15 minutes.",
                            "what_happened": "Blocked fire lane delayed the first engine by 20 minutes.",
                            "why": "Parked cars in the compound's fire lane.",
                            "what_to_change": "Monthly fire-lane inspections by grid workers.",
                            "lessons": ["Keep fire lanes clear", "Pre-assign a second engine company"]},
}


@dataclass
class DemoReport:
    reference: str = ""
    lines: list[str] = field(default_factory=list)
    audit_ok: bool = False


def _seat_users(db: Database) -> dict[str, Actor]:
    admin = Actor.system("demo")
    with db.transaction() as session:
        for username, (name, role) in DEMO_SEATS.items():
            if session.scalar(select(User).where(User.username == username)) is None:
                seats.create_user(session=session, actor=admin, username=username, display_name=name)
                seats.seat(session=session, actor=admin, username=username, role=role)
        deploy_bundled(session=session, actor=admin)
        return {role: seats.actor_for(seats.get_user(session=session, username=username))
                for username, (_, role) in DEMO_SEATS.items()}


def _complete(db: Database, actors: dict[str, Actor], incident_id: int, element: str) -> None:
    with db.transaction() as session:
        task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id) if t.task_spec == element)
        tasks.complete(session=session, actor=actors[task.role], task_id=task.id, data=ANSWERS[element])


def run_demo(db: Database) -> DemoReport:
    clock = ManualClock(db.clock.now())
    db.clock = clock
    actors = _seat_users(db)
    report = DemoReport()
    with db.transaction() as session:
        incident = incidents.start(session=session, actor=actors["duty_officer"], process_id="community_incident",
                                   title="Gas explosion at Hehua Compound", category="accident_disaster",
                                   unit="Hehua Compound, Grid 7")
        incident_id, report.reference = incident.id, incident.reference
    step = timedelta(minutes=4)
    for element in ("record_report", "report_to_district", "activate_response", "medical_care"):
        clock.advance(step)
        _complete(db, actors, incident_id, element)
    clock.advance(timedelta(minutes=31))  # the fire team is late: its 30-minute deadline passes
    timers.sweep(db)
    clock.advance(step)
    _complete(db, actors, incident_id, "escalate_fire_delay")
    clock.advance(step)
    with db.transaction() as session:
        decisions.record(
            session=session, actor=actors["commander"], incident_id=incident_id,
            situation="Fire lane blocked by parked cars; engine cannot reach building 3.",
            options_considered=["Wait for owners to move the cars", "Tow the cars now", "Attack from the street"],
            choice="Tow the cars now, without waiting for owners",
            rationale="Four residents trapped; every minute counts.",
            authority_basis="Level II response in force; on-scene command authority",
            expected_effect="Engine reaches building 3 within 10 minutes",
            departs_from_plan=True, urgency="immediate")
    for element in ("fire_rescue",):
        clock.advance(step)
        _complete(db, actors, incident_id, element)
    clock.advance(step)
    with db.transaction() as session:
        incidents.send_message(session=session, actor=actors["commander"], incident_id=incident_id,
                               name="response_over", payload={"declared_by": "li.commander"})
    for element in ("damage_statistics", "verify_statistics", "relief_distribution", "after_action_review"):
        clock.advance(timedelta(hours=6))
        _complete(db, actors, incident_id, element)
    with db.read() as session:
        incident = incidents.get(session=session, incident_id=incident_id)
        report.lines.append(f"[bold]{incident.reference}[/bold] {incident.title} — level {incident.response_level}, "
                            f"status {incident.status} (simulated clock)")
        for event in audit.events(session=session, incident_id=incident_id):
            report.lines.append(f"{event.occurred_at:%Y-%m-%d %H:%M}  {event.actor:<22} {_describe(event.action, event.payload)}")
        result = audit.verify(session=session)
        report.audit_ok = result.ok and incident.status == "closed"
        report.lines.append(
            f"audit chain: {'intact' if result.ok else 'BROKEN'} ({result.events} events, {result.chains} chains)"
        )
    return report


def _describe(action: str, payload: dict) -> str:
    if action == "task_completed":
        return f"completed '{payload.get('task')}' as {payload.get('role')}"
    if action == "phase_changed":
        return f"phase {payload.get('from')} → {payload.get('to')}"
    if action == "response_level_changed":
        return f"response level {payload.get('from') or '-'} → {payload.get('to')}"
    if action == "timers_fired":
        return f"timer fired: {', '.join(t['name'] for t in payload.get('timers', []))}"
    if action == "decision_recorded":
        flag = " (departs from plan)" if payload.get("departs_from_plan") else ""
        return f"on-scene decision: {payload.get('choice')}{flag}"
    if action == "message_received":
        return f"message '{payload.get('name')}'"
    return action.replace("_", " ")
