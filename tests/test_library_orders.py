"""Decisions that order (临场指挥决策权: 指挥有关部门直接行动): a recorded decision's orders become
tasks for the ordered seats in the same incident, with the order's due time as their deadline; done,
late (escalated to the commander) or cancelled, each order says where it stands with its decision —
in the trail and the after-action report. Cached and restored from rows before every step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import incidents, seats
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Conflict, InvalidInput
from engine.learning import decisions
from engine.models import Decision
from engine.overview import reports
from tests.library_helpers import ADMIN, FORM_SAMPLES, Library


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _trail(library: Library, incident_id: int) -> list[Decision]:
    with library.db.read() as session:
        return decisions.list_for(session=session, incident_id=incident_id)


def _in(library: Library, **delta: float) -> str:
    return (library.clock.now() + timedelta(**delta)).isoformat()


def test_an_order_becomes_a_task_for_its_seat_and_is_tracked_to_completion(library: Library) -> None:
    incident_id = library.respond()
    assert "order" in library.state(incident_id).waiting_messages
    library.decide(incident_id, orders=[
        {"seat": "police", "instruction": "Tow the cars out of the fire lane", "due_at": _in(library, minutes=20)},
        {"seat": "logistics", "instruction": "Bring two tow trucks", "due_at": _in(library, minutes=15)},
    ])
    ordered = sorted((t for t in library.open_tasks(incident_id) if t.task_spec == "carry_out_order"),
                     key=lambda t: t.role)
    assert [(t.role, t.subject, t.form_key) for t in ordered] == [
        ("logistics", "Bring two tow trucks", "order_report"),
        ("police", "Tow the cars out of the fire lane", "order_report")]
    assert ordered[0].due_at == library.clock.now() + timedelta(minutes=15)
    (decision,) = _trail(library, incident_id)
    assert [(o.seat, o.status, o.task_id) for o in decision.orders] == [
        ("police", "open", ordered[1].id), ("logistics", "open", ordered[0].id)]

    library.advance(minutes=10)
    library.complete_task(ordered[1])  # the police, in time
    (decision,) = _trail(library, incident_id)
    police, logistics = decision.orders
    assert (police.status, police.completed_by, police.done_late) == ("done", "zhou.police", False)
    assert police.report["actions_taken"] == FORM_SAMPLES["order_report"]["actions_taken"]
    assert logistics.status == "open" and not logistics.late_at(library.clock.now())

    # the logistics order's due time passes: it escalates to the commander and stays late
    library.advance(minutes=6)
    assert library.task(incident_id, "escalate_late_order").role == "commander"
    assert library.task(incident_id, "escalate_late_order").subject == "Bring two tow trucks"
    library.complete(incident_id, "escalate_late_order")
    library.complete(incident_id, "carry_out_order")
    (decision,) = _trail(library, incident_id)
    assert [o.status for o in decision.orders] == ["done", "done"]
    assert decision.orders[1].done_late and decision.orders[1].late_at(library.clock.now())

    with library.db.read() as session:
        report = reports.after_action(session=session, incident_id=incident_id)
    assert [o.instruction for d in report.decisions for o in d.orders] == [
        "Tow the cars out of the fire lane", "Bring two tow trucks"]
    (recorded,) = library.audit(incident_id, "decision_recorded")
    assert [o["seat"] for o in recorded["orders"]] == ["police", "logistics"]


def test_open_orders_are_cancelled_with_the_incident(library: Library) -> None:
    incident_id = library.respond()
    library.decide(incident_id, orders=[{"seat": "fire", "instruction": "Hold the stairwell",
                                    "due_at": _in(library, hours=1)}])
    with library.db.transaction() as session:
        incidents.end(session=session, actor=library.actors["li.community"], incident_id=incident_id,
                      reason="False alarm")
    (decision,) = _trail(library, incident_id)
    assert decision.orders[0].status == "cancelled"


@pytest.mark.parametrize(("order", "field", "code"), [
    ({"seat": "astrologer", "instruction": "Read the stars"}, "orders.0.seat", "field.one_of"),
    ({"seat": "", "instruction": "Hold the line"}, "orders.0.seat", "field.required"),
    ({"seat": "police", "instruction": "   "}, "orders.0.instruction", "field.required"),
    ({"seat": "police", "instruction": "Close the road", "due_at": "2020-01-01T00:00:00+00:00"},
     "orders.0.due_at", "order.due_past"),
    ({"seat": "police", "instruction": "Close the road", "due_at": "2030-01-01T08:00:00"},
     "orders.0.due_at", "order.due_format"),
])
def test_a_wrong_order_is_refused_naming_the_field_and_nothing_is_recorded(
        library: Library, order: dict[str, Any], field: str, code: str) -> None:
    incident_id = library.respond()
    before = library.open_elements(incident_id)
    with pytest.raises(InvalidInput) as refused:
        library.decide(incident_id, orders=[{"due_at": _in(library, minutes=30), **order}])
    assert refused.value.fields[field].code == code
    assert _trail(library, incident_id) == []
    assert library.open_elements(incident_id) == before


def test_an_order_is_given_only_with_a_decision(library: Library) -> None:
    incident_id = library.respond()
    with pytest.raises(InvalidInput) as refused:
        library.message(incident_id, "order", {"seat": "police", "instruction": "Close the road",
                                               "due_at": _in(library, minutes=30)})
    assert refused.value.fields["name"].code == "order.with_a_decision"


def test_a_process_without_orders_refuses_them_and_records_nothing(library: Library) -> None:
    incident_id = library.start("community_incident")  # the small core model has no order subprocess
    with library.db.transaction() as session:
        seats.seat(session=session, actor=ADMIN, username="li.community", role=seats.COMMANDER,
                   incident_id=incident_id)
    with pytest.raises(Conflict) as refused:
        library.decide(incident_id, orders=[{"seat": "fire", "instruction": "Hold the stairwell",
                                        "due_at": _in(library, hours=1)}])
    assert refused.value.message.code == "order.not_taken"
    assert _trail(library, incident_id) == []
