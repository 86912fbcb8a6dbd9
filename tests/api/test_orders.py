"""Decisions that order, over HTTP: `orders` on POST /incidents/{ref}/decisions become tasks for the
ordered seats; the decision answers where each stands; wrong orders are 422 naming the field; a
process version without orders is 409 and records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import ManualClock
from tests.api.conftest import Api
from tests.api.test_incident_flow import DECISION


def _due(clock: ManualClock, minutes: int) -> str:
    return (clock.now() + timedelta(minutes=minutes)).isoformat()


def test_a_decision_orders_a_seat_which_carries_it_out(api: Api, deployed: None, clock: ManualClock) -> None:
    ref = api.as_("duty").start(process_id="incident_lifecycle")["reference"]
    given = api.as_("commander").post(f"/incidents/{ref}/decisions", DECISION | {"orders": [
        {"seat": "fire", "instruction": "Hold the stairwell of building 3", "due_at": _due(clock, 30)}]})
    assert given.status_code == 201, given.text
    (order,) = given.json()["orders"]
    assert (order["seat"], order["status"], order["completed_by"]) == ("fire", "open", None)

    (task,) = [t for t in api.as_("fire").get("/tasks/inbox").json() if t["task_spec"] == "carry_out_order"]
    assert (task["id"], task["subject"]) == (order["task_id"], "Hold the stairwell of building 3")
    done = api.as_("fire").post(f"/tasks/{task['id']}/complete", {"data": {
        "outcome": "done", "actions_taken": "Two firefighters at the stairwell door."}})
    assert done.status_code == 200, done.text

    shown = api.as_("commander").get(f"/decisions/{given.json()['id']}").json()
    (order,) = shown["orders"]
    assert (order["status"], order["completed_by"], order["done_late"]) == ("done", "fire", False)
    assert order["report"]["actions_taken"] == "Two firefighters at the stairwell door."


@pytest.mark.parametrize(("order", "field"), [
    ({"seat": "astrologer", "instruction": "Read the stars", "due_at": "+30"}, "orders.0.seat"),
    ({"seat": "fire", "instruction": "", "due_at": "+30"}, "orders.0.instruction"),
    ({"seat": "fire", "instruction": "Hold the stairwell", "due_at": "-5"}, "orders.0.due_at"),
])
def test_a_wrong_order_is_422_naming_the_field(
        api: Api, deployed: None, clock: ManualClock, order: dict[str, str], field: str) -> None:
    ref = api.as_("duty").start(process_id="incident_lifecycle")["reference"]
    order = order | {"due_at": _due(clock, int(order["due_at"]))}
    refused = api.as_("commander").post(f"/incidents/{ref}/decisions", DECISION | {"orders": [order]})
    assert refused.status_code == 422, refused.text
    (named,) = refused.json()["error"]["fields"]  # the request's own check or the engine's
    assert named.removeprefix("body.") == field
    assert api.as_("commander").get(f"/incidents/{ref}/decisions").json() == []


def test_a_process_without_orders_is_409_and_records_nothing(
        api: Api, deployed: None, clock: ManualClock) -> None:
    ref = api.as_("duty").start()["reference"]  # community_incident: the small core model
    refused = api.as_("commander").post(f"/incidents/{ref}/decisions", DECISION | {"orders": [
        {"seat": "fire", "instruction": "Hold the stairwell", "due_at": _due(clock, 30)}]})
    assert refused.status_code == 409 and refused.json()["error"]["message_code"] == "order.not_taken"
    assert api.as_("commander").get(f"/incidents/{ref}/decisions").json() == []
