"""What an answer to a missed deadline does (the `deadline_escalation` form).

`reinforce` and `extend_deadline` are instructions people carry out; two answers change who holds
the late task, in the same command that records the answer:
- `reassign` gives it to another holder of its seat — the person named in `reassign_to`, or else
  the first other holder by username — as the commander's reassigning does;
- `escalate_up` sends it to the command seat of the tier above the one leading the response
  (response_command.dmn's `leading_seat`: a community to the street, the street to the district,
  then the city and the province), unclaimed, for that seat's holders to do or to hand on.
Either is audited and notified. Which task is late the workflow says: the activity whose boundary
timer led to the escalation; once that task is done there is nothing left to move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, notifications, seats
from engine.actors import Actor
from engine.errors import InvalidInput
from engine.incidents.pipeline import Locked
from engine.messages import (
    ESCALATION_CHOOSE_ANOTHER,
    ESCALATION_NAME_SOMEONE,
    ESCALATION_NO_OTHER_HOLDER,
    ESCALATION_NO_TIER_ABOVE,
    SEAT_MUST_HOLD,
    SEAT_NOT_HELD,
)
from engine.models import HumanTask, User
from forms.vocabulary import TASK_READY, command_seat_above

FORM = "deadline_escalation"
REASSIGN, ESCALATE_UP = "reassign", "escalate_up"


def apply_answer(session: Session, actor: Actor, locked: Locked, task: HumanTask, data: Mapping[str, Any]) -> None:
    """Carry out `data`'s action on the task `task` escalates, before `task` is completed."""
    action = data.get("action")
    if task.form_key != FORM or action not in (REASSIGN, ESCALATE_UP):
        return
    late_id = locked.runtime.late_task_of(task.id)
    late = session.get(HumanTask, late_id) if late_id else None
    if late is None or late.state != TASK_READY:
        return
    if action == REASSIGN:
        _reassign(session, actor, locked, late, data.get("reassign_to"), answered_by=task)
    else:
        leading = locked.runtime.task_data(task.id).get("leading_seat")
        _escalate_up(session, actor, locked, late, leading if isinstance(leading, str) else task.role,
                     answered_by=task)


def _reassign(session: Session, actor: Actor, locked: Locked, late: HumanTask, named: Any, *,
              answered_by: HumanTask) -> None:
    if named:
        found = session.scalar(select(User).where(User.username == str(named)))
        if found is None or late.role not in seats.roles_of(session=session, user_id=found.id,
                                                             incident_id=late.incident_id):
            raise InvalidInput(SEAT_NOT_HELD, username=str(named), role=late.role,
                               fields={"reassign_to": SEAT_MUST_HOLD(role=late.role)})
        target = found
    else:
        others = [u for u in seats.holders(session=session, role=late.role, incident_id=late.incident_id)
                  if u.id != late.assignee_id and u.is_active]
        if not others:
            raise InvalidInput(ESCALATION_NO_OTHER_HOLDER, role=late.role, task=late.title, task_zh=late.title_zh,
                               fields={"reassign_to": ESCALATION_NAME_SOMEONE(role=late.role)})
        target = min(others, key=lambda u: u.username)
    previous = session.get(User, late.assignee_id) if late.assignee_id else None
    late.assignee_id = target.id
    audit.record(session=session, actor=actor.username, action="task_reassigned", incident_id=late.incident_id,
                 payload={"task_id": late.id, "task": late.task_spec, "to": target.username,
                          "from": previous.username if previous else None, "escalation": answered_by.task_spec})
    notifications.record(session, kind=notifications.ASSIGNED, incident=locked.incident, task=late,
                         username=target.username)


def _escalate_up(session: Session, actor: Actor, locked: Locked, late: HumanTask, leading_seat: str, *,
                 answered_by: HumanTask) -> None:
    above = command_seat_above(leading_seat)
    if above is None:
        raise InvalidInput(ESCALATION_NO_TIER_ABOVE, seat=leading_seat, task=late.title, task_zh=late.title_zh,
                           fields={"action": ESCALATION_CHOOSE_ANOTHER()})
    before = late.role
    late.role, late.assignee_id = above, None
    audit.record(session=session, actor=actor.username, action="task_escalated_up", incident_id=late.incident_id,
                 payload={"task_id": late.id, "task": late.task_spec, "role": before, "seat": above,
                          "escalation": answered_by.task_spec})
    notifications.record(session, kind=notifications.ESCALATED, incident=locked.incident, task=late)
