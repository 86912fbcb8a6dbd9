"""Decisions that order (临场指挥决策权: 指挥有关部门直接行动): record the decision with its orders,
then send each order into the incident's workflow as an `order` message — its event subprocess
makes a task for the ordered seat with the order's due time as its deadline — and note which task
each order became, so the decision trail and the after-action report can say where it stands.
All in the command's transaction: a decision whose orders cannot be given is not recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.errors import Conflict
from engine.incidents.pipeline import Locked, run_command
from engine.learning import decisions
from engine.messages import ORDERS_NOT_TAKEN
from engine.models import Decision

#: The message that gives an order, and the task it becomes (bpmn/incident_lifecycle.bpmn).
ORDER_MESSAGE = "order"
ORDER_TASK = "carry_out_order"


def decide(*, session: Session, actor: Actor, incident_id: int, orders: list[dict[str, Any]] | None = None,
           **decision: Any) -> Decision:
    """`engine.learning.decisions.record`, and the orders it gives become tasks."""
    made = decisions.record(session=session, actor=actor, incident_id=incident_id, orders=orders, **decision)
    if made.orders:
        run_command(session, incident_id, actor, lambda locked: _give(locked, made))
        session.flush()
        for order in made.orders:
            session.expire(order, ["task"])
    return made


def _give(locked: Locked, decision: Decision) -> None:
    runtime = locked.runtime
    if ORDER_MESSAGE not in runtime.waiting_messages():
        raise Conflict(ORDERS_NOT_TAKEN)
    for order in decision.orders:
        runtime.send_message(ORDER_MESSAGE, {
            "decision_id": decision.id, "order_id": order.id, "seat": order.seat,
            "instruction": order.instruction, "due_at": order.due_at.isoformat()})
    became = {
        view.data["order"].get("order_id"): view.id for view in runtime.ready_user_tasks()
        if view.element == ORDER_TASK and isinstance(view.data.get("order"), dict)
    }
    for order in decision.orders:
        order.task_id = became.get(order.id)
