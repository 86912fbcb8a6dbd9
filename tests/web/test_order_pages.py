"""Orders on the pages: the commander gives them with a decision (seat, instruction, due time in
their own zone); wrong rows are marked at their fields; the command panel lists the orders and
where each stands; the decision trail (incident page, auditor view) and the after-action report
show each order with its outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import incidents, seats, tasks
from engine.clock import ManualClock
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from engine.models import HumanTask
from tests.scenario import ADMIN

DECISION = {"situation": "Fire lane blocked", "choice": "Tow the cars now", "rationale": "Residents trapped",
            "authority_basis": "On-scene command authority", "urgency": "immediate"}


def _lifecycle(db: Database) -> str:
    with db.transaction() as session:
        deploy_bundled(session=session, actor=ADMIN)
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        return incidents.start(session=session, actor=duty, process_id="incident_lifecycle", title="Gas leak",
                               category="accident_disaster", unit="Hehua Compound").reference


def test_the_commander_orders_a_seat_and_sees_it_done(browser: Any, db: Database, clock: ManualClock) -> None:
    ref = _lifecycle(db)
    commander = browser("commander")
    page = commander.get(f"/ui/incidents/{ref}").text
    assert 'id="orders-panel"' in page and 'name="order_0_seat"' in page

    local_due = (clock.now() + timedelta(minutes=30)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    wrong = commander.post(f"/ui/incidents/{ref}/decisions", DECISION | {
        "order_0_seat": "astrologer", "order_0_instruction": "Read the stars", "order_0_due_at": local_due,
        "order_1_seat": "fire", "order_1_instruction": "Hold the stairwell", "order_1_due_at": ""})
    assert wrong.status_code == 422
    assert 'id="d-order_0_seat-error"' in wrong.text and 'id="d-order_1_due_at-error"' in wrong.text
    assert 'value="Hold the stairwell"' in wrong.text  # what was typed stays

    made = commander.post(f"/ui/incidents/{ref}/decisions", DECISION | {
        "order_0_seat": "fire", "order_0_instruction": "Hold the stairwell", "order_0_due_at": local_due})
    assert made.status_code == 303
    with db.read() as session:
        task = session.scalar(select(HumanTask).where(HumanTask.task_spec == "carry_out_order"))
        assert task is not None and (task.role, task.subject) == ("fire", "Hold the stairwell")
        assert task.due_at == (clock.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    panel = commander.get(f"/ui/incidents/{ref}").text
    assert "Hold the stairwell" in panel.split('id="orders-panel"')[1].split("</section>")[0]

    with db.transaction() as session:
        fire = seats.actor_for(seats.get_user(session=session, username="fire"))
        tasks.complete(session=session, actor=fire, task_id=task.id,
                       data={"outcome": "done", "actions_taken": "Two firefighters hold the stairwell door."})
    for page in (commander.get(f"/ui/incidents/{ref}").text, commander.get(f"/ui/incidents/{ref}/report").text):
        assert "Two firefighters hold the stairwell door." in page
        assert "Done — fire" in page
    assert "Orders given / done" in commander.get(f"/ui/incidents/{ref}/report").text
