"""Who may *read* what. The engine guards every command; these guard what the API shows.

Rules (seats decide): admins and auditors read everything; an incident's commander reads its
whole record; staff see a task only when they hold its seat. Reviewers may read decisions.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.deps import Principal
from api.messages import AUDIT_LOG_FORBIDDEN, DECISIONS_FORBIDDEN, RULINGS_FORBIDDEN
from engine import seats, tasks
from engine.errors import Forbidden
from engine.messages import TASK_SEAT_NOT_HELD
from engine.models import HumanTask
from forms.messages import Template
from forms.vocabulary import REVIEWER


def require_auditor(principal: Principal) -> None:
    if not (principal.is_admin or principal.is_auditor):
        raise Forbidden(AUDIT_LOG_FORBIDDEN)


def may_oversee(session: Session, principal: Principal, incident_id: int) -> bool:
    return principal.is_admin or principal.is_auditor or seats.holds(
        session=session, actor=principal.actor, role=seats.COMMANDER, incident_id=incident_id)


def require_oversight(session: Session, principal: Principal, incident_id: int, refusal: Template) -> None:
    """`refusal`: the message that names what is refused (REPORT_FORBIDDEN, TIMELINE_FORBIDDEN)."""
    if not may_oversee(session, principal, incident_id):
        raise Forbidden(refusal)


def require_decision_reader(session: Session, principal: Principal, incident_id: int) -> None:
    if may_oversee(session, principal, incident_id) or seats.holds(
            session=session, actor=principal.actor, role=REVIEWER, incident_id=incident_id):
        return
    raise Forbidden(DECISIONS_FORBIDDEN)


def require_review_reader(session: Session, principal: Principal, incident_id: int | None) -> None:
    """Rulings: reviewers and auditors (all of them), or the readers of one incident's decisions."""
    if principal.is_admin or principal.is_auditor or REVIEWER in principal.global_roles:
        return
    if incident_id is not None:
        require_decision_reader(session, principal, incident_id)
        return
    raise Forbidden(RULINGS_FORBIDDEN)


def task_filter(session: Session, principal: Principal, incident_id: int) -> Callable[[HumanTask], bool]:
    """Which of an incident's tasks the principal may see: all for overseers, else their seats'."""
    if may_oversee(session, principal, incident_id):
        return lambda _task: True
    roles = seats.roles_of(session=session, user_id=principal.user_id, incident_id=incident_id)
    return lambda task: task.role in roles or task.assignee_id == principal.user_id


def require_task_visible(session: Session, principal: Principal, task: HumanTask) -> None:
    if tasks.may_act_on(session=session, actor=principal.actor, task=task):
        return
    if may_oversee(session, principal, task.incident_id):
        return
    raise Forbidden(TASK_SEAT_NOT_HELD, task=task.title, task_zh=task.title_zh, role=task.role)
