"""`renxing demo`: the whole disaster lifecycle on the bundled process library.

Before anything happens the plan owner drafts the compound's plan in sections and the approver
publishes it (v1), and logistics registers the community's water and its shelter. The district's
emergency bureau issues a yellow gas warning (prevention); the community relays it to its grids and
the yellow seats stand by, the warning is raised to orange and relayed again, and then turns into an
incident: the first responder on scene, shown the plan's first-response section, cordons it off and
moves people out before any grading (先期处置); three dead make it 较大 (level III), so the city leads
and its commander takes the scene; the activation reserves water and shelter places (预留) — leaving
the water below its minimum, so logistics gets a replenishment task and restocks — and the
response's tasks draw against the reservation; the initial report (首报) goes to the street by phone
and to the district in writing within the hour, follow-up reports (续报) every four hours and the
final report (终报) when the response is over; the fire team misses its deadline and the timer
escalates to the commander, who calls volunteers from the register as the second echelon (第二梯队)
and records an on-scene decision that departs from the plan and orders the police to clear the fire
lane (a task for the police seat, done in time); the response ends, recovery runs, and in learning
the after-action review files an improvement action while a reviewer who is not the decision's
maker departs from the ruling the decision table proposes, with written reasons, and the district's
reviewer concurs (fault tolerance, 容错); the close releases the shelter places still held. The
improvement action goes to its owner seat, passes its due date and escalates to the plan approver;
its owner closes it with evidence and a rewritten plan section, the approver (not the owner)
verifies it, and the compound's plan v2 is published. The timeline of all five processes is
printed with the plan sections the responders were shown and the audit chain verified. Time is
simulated (a manual clock starting now), so deadlines pass at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine import audit, incidents, registers, response, seats, tasks, warnings
from engine.actors import Actor
from engine.clock import ManualClock
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from engine.incidents import timers
from engine.models import AuditEvent, HumanTask, Incident, User
from forms.samples import SAMPLES, UNIT

ADMIN = Actor.system("demo")

#: username -> (display name, global seats)
PEOPLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "wang.duty": ("Wang Fang 王芳", ("duty_officer",)),
    "li.community": ("Li Wei 李伟", ("community_commander",)),
    "chen.district": ("Chen Jun 陈军", ("district_commander",)),
    "qin.city": ("Qin Lei 秦磊", ("city_commander",)),
    "liu.fire": ("Liu Gang 刘刚", ("fire",)),
    "sun.medical": ("Sun Jing 孙静", ("medical",)),
    "zhou.police": ("Zhou Qiang 周强", ("police",)),
    "wu.logistics": ("Wu Min 吴敏", ("logistics",)),
    "zheng.volunteers": ("Zheng Hua 郑华", ("volunteer_coordinator",)),
    "feng.grid": ("Feng Yang 冯洋", ("grid_worker",)),
    "tang.first": ("Tang Jie 唐杰", ("first_responder",)),
    "he.inspector": ("He Lei 何磊", ("hazard_inspector",)),
    "xu.recovery": ("Xu Li 许丽", ("recovery_officer",)),
    "ma.plan": ("Ma Tao 马涛", ("plan_owner",)),
    "hu.approver": ("Hu Yan 胡燕", ("plan_approver",)),
    "lin.reviewer": ("Lin Na 林娜", ("reviewer",)),
    "song.district": ("Song Bo 宋波", ("district_reviewer",)),
    "deng.auditor": ("Deng Chao 邓超", ("auditor",)),
}
LEVEL_III_REPORT = {**SAMPLES["incident_full_report"], "deaths": 3, "seriously_injured": 12, "trapped": 4,
                    "relocated": 150, "people_affected": 800, "economic_loss": 350,
                    "description": "Gas explosion in building 3; fire on floors 4-6."}
ACTION = {"title": "Keep the valve room key at the service station", "owner_seat": "plan_owner",
          "due_in_days": 14, "plan_unit": UNIT}
#: The compound's plan (一点一案) in force before anything happens: the sections responders are shown.
PLAN = {"title": "Gas and evacuation plan of Hehua Compound", "summary": "Gas and evacuation plan",
        "why": "Annual revision of the plan"}
PLAN_SECTIONS = [
    {"section": "risks", "text": "Old gas risers in buildings 1-6; 38 elderly residents living alone."},
    {"section": "first_response", "text": "Cordon the stairwell, shut the riser valve (key: duty room), "
                                          "call the gas company, no switches or flames."},
    {"section": "evacuation", "text": "Buildings 2-4 leave by the east gate to the school gym; "
                                      "grid workers knock on every door of the elderly list."},
    {"section": "recovery", "text": "Resettle at the school gym; the street pays the first week; "
                                    "the gas company checks every riser before people go home."}]
#: What the community holds (logistics registers it): water below 30 cases is a shortage; a shelter.
WATER: dict[str, Any] = {"kind": "reserve", "name": "Bottled water", "location": "Service station store",
                         "measure": "cases", "quantity": 60, "minimum": 30}
GYM: dict[str, Any] = {"kind": "shelter", "name": "School gym", "location": "No. 2 Primary School",
                       "measure": "places", "quantity": 200, "minimum": 0}
RESERVE_NOTES = {"water": "Cordon and shelter", "gym": "Evacuees of buildings 2-4",
                 "restocked": "Forty cases from the district depot."}
#: The ruling table proposes 'mitigated' (the owners were not notified before towing); the reviewer
#: departs to 'excused' with written reasons and the district's reviewer concurs.
RULING = {"procedure_followed": "not_followed", "ruling": "excused",
          "departure_reasons": "Four residents were trapped; notifying the owners first would have cost the "
                               "minutes that saved them. Reported at once; the owners were compensated."}


@dataclass
class DemoReport:
    reference: str = ""
    lines: list[str] = field(default_factory=list)
    audit_ok: bool = False


class _Player:
    """Plays each open task as the person holding its seat, with the form's sample answer."""

    def __init__(self, db: Database, clock: ManualClock) -> None:
        self.db, self.clock = db, clock
        with db.transaction() as session:
            for username, (name, held) in PEOPLE.items():
                if session.scalar(select(User.id).where(User.username == username)) is None:
                    seats.create_user(session=session, actor=ADMIN, username=username, display_name=name)
                    for seat in held:
                        seats.seat(session=session, actor=ADMIN, username=username, role=seat)
            deploy_bundled(session=session, actor=ADMIN)
            self.actors = {u: seats.actor_for(seats.get_user(session=session, username=u)) for u in PEOPLE}
            self.by_seat = {seat: u for u, (_, held) in PEOPLE.items() for seat in held}
            self.by_id = {a.user_id: u for u, a in self.actors.items()}

    def commander(self, incident_id: int) -> str:
        with self.db.read() as session:
            return seats.holders(session=session, role=seats.COMMANDER, incident_id=incident_id)[0].username

    def _person(self, task: HumanTask) -> str:
        if task.assignee_id is not None:
            return self.by_id[task.assignee_id]
        return self.commander(task.incident_id) if task.role == seats.COMMANDER else self.by_seat[task.role]

    def play(self, incident_id: int, element: str, **changes: Any) -> None:
        self.clock.advance(timedelta(minutes=5))
        with self.db.transaction() as session:
            task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id)
                        if t.task_spec == element)
            tasks.complete(session=session, actor=self.actors[self._person(task)], task_id=task.id,
                           data={**SAMPLES[task.form_key], **changes})

    def play_all(self, incident_id: int, *, until: str) -> None:
        """Complete whatever is open, in order, until the element `until` is open."""
        while True:
            with self.db.read() as session:
                open_elements = sorted(t.task_spec for t in tasks.open_tasks(session=session, incident_id=incident_id))
            if until in open_elements or not open_elements:
                return
            self.play(incident_id, open_elements[0])

    def start(self, process_id: str, title: str, data: dict[str, Any] | None = None) -> int:
        with self.db.transaction() as session:
            return incidents.start(session=session, actor=self.actors["wang.duty"], process_id=process_id,
                                   title=title, category="accident_disaster", unit=UNIT, data=data).id

    def message(self, incident_id: int, name: str, payload: dict[str, Any]) -> None:
        self.clock.advance(timedelta(minutes=5))
        with self.db.transaction() as session:
            incidents.send_message(session=session, actor=self.actors[self.commander(incident_id)],
                                   incident_id=incident_id, name=name, payload=payload)

    def child_of(self, incident_id: int, prefix: str) -> int:
        with self.db.read() as session:
            return session.scalars(select(Incident.id).where(Incident.parent_id == incident_id,
                                                             Incident.reference.startswith(prefix))).one()

    def plan_shown(self, incident_id: int, element: str) -> str:
        """What the open task `element` shows of its unit's plan in force."""
        with self.db.read() as session:
            task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id) if t.task_spec == element)
            shown = tasks.guidance_for(session=session, task=task).plan_section
        return f"  {task.title} ({task.role}): v{shown.version} {shown.section} — {shown.text}" if shown else ""


def _receive_warning(player: _Player) -> int:
    """The district's emergency bureau issues a yellow gas warning; the community relays it."""
    moment = player.clock.now()
    warning = {**SAMPLES["warning_received"], "event": "gas_leak", "warning_level": "yellow",
               "headline": "Gas concentration alarm at Hehua Compound", "area": "Building 3",
               "issuer": "District Emergency Management Bureau", "issued": moment.isoformat(),
               "expires": (moment + timedelta(hours=12)).isoformat(), "grids": ["Grid 3", "Grid 4"]}
    with player.db.transaction() as session:
        return warnings.receive(session=session, actor=player.actors["wang.duty"], warning=warning, unit=UNIT).id


def _change_warning(player: _Player, warning: int, change: str, reason: str, level: str | None = None) -> None:
    player.clock.advance(timedelta(minutes=5))
    with player.db.transaction() as session:
        warnings.change(session=session, actor=player.actors["wang.duty"], ref=warning, change=change,
                        level=level, reason=reason)


def _publish_plan(player: _Player) -> int:
    """The plan owner drafts the compound's plan in sections; the approver (not the drafter) publishes it."""
    revision = player.start("plan_revision", PLAN["title"],
                            data={"improvement_action_id": None, "action_title": PLAN["why"]})
    player.play(revision, "revise_plan", summary=PLAN["summary"], section_changes=PLAN_SECTIONS)
    player.play(revision, "approve_plan")
    return revision


def _stock(player: _Player) -> tuple[int, int]:
    """Logistics registers what the community holds (each run of the demo its own lines)."""
    with player.db.transaction() as session:
        water, gym = (registers.register(session=session, actor=player.actors["wu.logistics"], unit=UNIT, **line)
                      for line in (WATER, GYM))
        return water.id, gym.id


def _second_echelon(player: _Player, incident: int) -> None:
    """The first wave is at work; the commander calls volunteers (第二梯队) from the register."""
    with player.db.transaction() as session:
        team = registers.register_volunteer(
            session=session, actor=player.actors["zheng.volunteers"], kind="organisation",
            name="荷花小区红十字志愿服务队", skills=["care_for_vulnerable", "first_aid"], contact="138 0000 0001",
            unit=UNIT, people=4).id
    player.message(incident, "request_volunteers", SAMPLES["message_request_volunteers"])
    player.play(incident, "volunteer_mobilisation", matches=[
        {"volunteer_id": team, "need": SAMPLES["message_request_volunteers"]["needs"][0]["task"]}])
    player.play(incident, "volunteer_work")


def _play_lifecycle(player: _Player) -> tuple[tuple[int, ...], list[str]]:
    """Plays everything; the processes played (the incident third) and what tasks showed of the plan."""
    plan = _publish_plan(player)
    water, gym = _stock(player)
    warning = _receive_warning(player)
    player.play_all(warning, until="")  # every grid confirms it was reached; the yellow seats stand by
    _change_warning(player, warning, "raise", "Gas concentration still rising", level="orange")
    player.play_all(warning, until="")  # relayed again at orange; more seats stand by
    _change_warning(player, warning, "open_incident", "Explosion in building 3.")

    incident = player.child_of(warning, "INC-")
    shown = [player.plan_shown(incident, "first_response")]
    player.play(incident, "first_response")  # 先期处置 on scene before any grading: cordon, move people out
    player.play(incident, "initial_report_phone")  # 首报 to the street by phone, at once
    player.play(incident, "record_report", **LEVEL_III_REPORT)
    player.play(incident, "initial_report_written")  # and in writing to the district within the hour
    player.play(incident, "appoint_commander", commander_username="qin.city")
    player.play(incident, "activate_response", evacuation_ordered=True, evacuation_area="Buildings 2-4",
                reserves=[{"resource_id": water, "quantity": 40, "note": RESERVE_NOTES["water"]},
                          {"resource_id": gym, "quantity": 150, "note": RESERVE_NOTES["gym"]}])
    # 40 of the 60 cases held for this incident leave 20 for others, below the minimum of 30: the
    # activation's command has already given logistics a replenishment task
    player.play(incident, "medical_care")
    player.play(incident, "logistics_supply", draws=[{"resource_id": water, "quantity": 40}])
    player.play(incident, "police_traffic")
    shown.append(player.plan_shown(incident, "evacuate_residents"))
    player.play(incident, "evacuate_residents")
    _second_echelon(player, incident)
    player.clock.advance(timedelta(minutes=31))  # the fire team is late: its 30-minute deadline passes
    timers.sweep(player.db)
    player.play(incident, "escalate_fire_rescue")
    with player.db.transaction() as session:  # the decision orders the police to act (指挥有关部门直接行动)
        incidents.decide(
            session=session, actor=player.actors["qin.city"], incident_id=incident,
            situation="Fire lane blocked by parked cars; the engine cannot reach building 3.",
            options_considered=["Wait for the owners", "Tow the cars now", "Attack from the street"],
            choice="Tow the cars now, without waiting for the owners",
            rationale="Four residents trapped; every minute counts.",
            authority_basis="Level III response in force; on-scene command authority",
            expected_effect="Engine reaches building 3 within 10 minutes", departs_from_plan=True,
            urgency="immediate", orders=[{"seat": "police", "instruction": "Tow the parked cars out of the fire lane",
                                          "due_at": player.clock.now() + timedelta(minutes=15)}])
    player.play(incident, "carry_out_order")
    player.play(incident, "fire_rescue")
    player.play(incident, "open_shelters", draws=[{"resource_id": gym, "quantity": 120}])
    replenishment = player.child_of(incident, "RES-")
    player.play(replenishment, "replenish_resource", quantity_added=40, new_expiry_date="2027-11-30",
                note=RESERVE_NOTES["restocked"])
    player.clock.advance(timedelta(hours=4))  # level III: a follow-up report (续报) every four hours
    timers.sweep(player.db)
    player.play(incident, "situation_report")
    player.message(incident, "response_over", {"summary": "All residents accounted for."})
    player.play_all(incident, until="after_action_review")
    player.play(incident, "after_action_review", improvement_actions=[ACTION])
    player.play(incident, "add_maker_statement")
    player.play(incident, "rule_on_decision", **RULING)  # departs from the proposal, with reasons
    player.play(incident, "concur_with_departure")  # the district's reviewer concurs
    player.play(incident, "review_report")  # the close releases the 30 shelter places still held

    action = player.child_of(incident, "IMP-")
    player.clock.advance(timedelta(days=15))  # nobody closed the action in its 14 days: it escalates
    timers.sweep(player.db)
    player.play(action, "supervise_overdue_action")
    player.play(action, "carry_out_action")  # with evidence, and the evacuation section rewritten
    player.play(action, "verify_action")  # by the plan approver, not its owner: the plan's new version
    return (plan, warning, incident, replenishment, action), [line for line in shown if line]


_DESCRIBE = {
    "incident_started": lambda p: f"started {p.get('reference')} ({p.get('process_id')})",
    "task_completed": lambda p: f"{p.get('title') or p.get('task')} — done as {p.get('role')}",
    "phase_changed": lambda p: f"phase {p.get('from')} → {p.get('to')}",
    "response_level_changed": lambda p: f"response level {p.get('from') or '-'} → {p.get('to')}",
    "timers_fired": lambda p: "timer fired: " + ", ".join(t["name"] for t in p.get("timers", [])),
    "decision_recorded": lambda p: f"ON-SCENE DECISION: {p.get('choice')}"
                                   + (" (departs from the plan)" if p.get("departs_from_plan") else "")
                                   + "".join(f"; ORDER to {o['seat']}: {o['instruction']}"
                                             for o in p.get("orders", [])),
    "decision_flagged": lambda p: f"decision #{p.get('decision_id')} enters the fault-tolerance record",
    "ruling_proposed": lambda p: f"ruling proposed by the table: {p.get('proposed_ruling')} ({p.get('basis')})"
                                 + (f"; the reviewer departs to {p.get('ruling')}: {p.get('departure_reasons')}"
                                    if p.get("departs") else ""),
    "fault_tolerance_ruling": lambda p: f"RULING on decision #{p.get('decision_id')}: {p.get('ruling')}"
                                        + (f" (second reviewer {p['second_reviewer']} concurs)"
                                           if p.get("second_reviewer_concurs") else "")
                                        + f" — {p.get('reasoning')}",
    "resource_reserved": lambda p: f"RESERVED {p.get('quantity')} {p.get('measure')} of {p.get('name')}"
                                   f" ({p.get('available')} left for others)",
    "resource_drawn": lambda p: f"DRAWN {p.get('quantity')} {p.get('measure')} of {p.get('name')}"
                                f" ({p.get('from_reserved')} of them reserved; {p.get('available')} available)",
    "resource_released": lambda p: f"released {p.get('quantity')} {p.get('measure')} of {p.get('name')}"
                                   f" ({p.get('available')} available)",
    "resource_restocked": lambda p: f"restocked {p.get('quantity')} {p.get('measure')} of {p.get('name')}"
                                    f" ({p.get('available')} available)",
    "message_received": lambda p: f"message '{p.get('name')}'",
    "warning_received": lambda p: f"WARNING received: {p.get('level')} {p.get('event')} from {p.get('issuer')}",
    "warning_changed": lambda p: f"warning {p.get('change')}: {p.get('from')}"
                                 + (f" → {p['to']}" if p.get("to") else "") + f" ({p.get('reason')})",
    "volunteer_deployed": lambda p: f"SECOND ECHELON: {p.get('name')} sent out for '{p.get('need')}'",
    "commander_seated": lambda p: f"{p.get('username')} seated as on-scene commander ({p.get('seat')})",
    "improvement_action_recorded": lambda p: f"improvement action: {p.get('title')} → {p.get('process')}",
    "improvement_action_escalated": lambda p: f"improvement action overdue (due {str(p.get('due_at'))[:10]}):"
                                              " supervised",
    "improvement_action_submitted": lambda p: f"improvement action carried out: {p.get('evidence')}",
    "improvement_action_verified": lambda p: f"improvement action verified: {p.get('note')}",
    "plan_published": lambda p: f"plan of {p.get('unit')} v{p.get('version')} published "
                                f"(drafted by {p.get('drafted_by')}, approved by {p.get('approved_by')})",
}
_QUIET = {"task_claimed", "seat_granted"}


def _timeline(db: Database, ids: tuple[int, ...]) -> list[str]:
    lines = []
    with db.read() as session:
        references = {i.id: i.reference for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
        events = session.scalars(select(AuditEvent).where(AuditEvent.incident_id.in_(ids))
                                 .order_by(AuditEvent.occurred_at, AuditEvent.id))
        for event in events:
            if event.action in _QUIET or event.incident_id is None:
                continue
            describe = _DESCRIBE.get(event.action, lambda _p, a=event.action: a.replace("_", " "))
            lines.append(f"{event.occurred_at:%m-%d %H:%M}  {references[event.incident_id]:<13} "
                         f"{event.actor:<20} {describe(event.payload)}")
    return lines


def _report_register(db: Database, incident_id: int) -> list[str]:
    """The incident's 信息报告台账: each report owed upward, to whom, due and sent."""
    with db.read() as session:
        found = response.report_register(session=session, incident_id=incident_id, now=db.clock.now())
        counts = response.response_counts(session=session, incident_id=incident_id)
    lines = ["report register (信息报告台账):"]
    for entry in found:
        sent = f"{entry.sent_at:%m-%d %H:%M}" if entry.sent_at else "not sent"
        due = f"{entry.due_at:%m-%d %H:%M}" if entry.due_at else "-"
        lines.append(f"  {entry.title:<36} to {entry.addressee or '-':<9} due {due}  sent {sent}"
                     + ("  LATE" if entry.late else ""))
    lines.append("what the response did: " + ", ".join(f"{name.replace('_', ' ')} {value}"
                                                        for name, value in counts.items()))
    return lines


def run_demo(db: Database) -> DemoReport:
    clock = ManualClock(db.clock.now())
    db.clock = clock
    player = _Player(db, clock)
    ids, shown = _play_lifecycle(player)
    report = DemoReport()
    with db.read() as session:
        found = {i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(ids)))}
        incident = found[ids[2]]
        report.reference = incident.reference
        for instance in (found[i] for i in ids):
            report.lines.append(f"[bold]{instance.reference}[/bold] {instance.title} — status {instance.status}"
                                + (f", level {instance.response_level}" if instance.response_level else ""))
        report.lines.append("(simulated clock)")
    report.lines.extend(_timeline(db, ids))
    report.lines.append("the plan in force, as the response tasks showed it:")
    report.lines.extend(shown)
    report.lines.extend(_report_register(db, ids[2]))
    with db.read() as session:
        result = audit.verify(session=session)
        closed = all(session.get_one(Incident, i).status == "closed" for i in ids)
    report.audit_ok = result.ok and closed
    report.lines.append(
        f"audit chain: {'intact' if result.ok else 'BROKEN'} ({result.events} events, {result.chains} chains)")
    return report
