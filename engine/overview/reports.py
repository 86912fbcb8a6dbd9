"""The after-action report (复盘报告): one read of everything an incident left behind.

Why assembled here: an ICS-214-style activity log, the decisions with their flags and rulings,
the lessons of the after-action review and the improvement actions with owners and dates all
come from different tables; gathering them in one engine read keeps the page a template, and
lets a program (or a later PDF export) produce the same report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import attachments, audit, incidents
from engine.audit import VerifyResult
from engine.db import now
from engine.learning import decisions
from engine.models import Attachment, AuditEvent, Decision, HumanTask, ImprovementAction, Incident, PhaseHistory

#: Form fields of an after-action review, in the order a reader wants them.
REVIEW_FIELDS = ("what_was_planned", "what_happened", "why", "what_to_change")


@dataclass(frozen=True)
class TaskName:
    """A task's title and the model's Chinese name of it."""

    title: str
    title_zh: str | None


@dataclass(frozen=True)
class Review:
    form_key: str
    by: str | None
    at: datetime | None
    answers: dict[str, Any]
    lessons: list[str]


@dataclass(frozen=True)
class AfterActionReport:
    incident: Incident
    generated_at: datetime
    phases: list[PhaseHistory]
    events: list[AuditEvent]
    decisions: list[Decision]
    reviews: list[Review]
    actions: list[ImprovementAction]
    chain: VerifyResult
    #: Photos and files on the incident's tasks, each with the hash its audit event recorded.
    attachments: list[Attachment]
    #: Task id -> its names, for the tasks the attachments belong to.
    task_titles: dict[str, TaskName]

    @property
    def lessons(self) -> list[str]:
        return [lesson for review in self.reviews for lesson in review.lessons]


def _reviews(session: Session, incident_id: int) -> list[Review]:
    """Completed tasks whose data reads like an after-action review (lessons, what to change)."""
    found = []
    for task in session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "completed")
        .order_by(HumanTask.completed_at, HumanTask.id)
    ):
        data = task.data or {}
        if not any(key in data for key in ("lessons", "what_to_change")):
            continue
        lessons = [str(item) for item in data.get("lessons") or [] if isinstance(item, str)]
        answers = {key: data[key] for key in REVIEW_FIELDS if key in data}
        found.append(Review(task.form_key, task.completed_by, task.completed_at, answers, lessons))
    return found


def after_action(*, session: Session, incident_id: int) -> AfterActionReport:
    incident = incidents.get(session=session, incident_id=incident_id)
    phases = list(session.scalars(
        select(PhaseHistory).where(PhaseHistory.incident_id == incident_id).order_by(PhaseHistory.id)))
    actions = list(session.scalars(
        select(ImprovementAction).where(ImprovementAction.incident_id == incident_id)
        .order_by(ImprovementAction.due_at, ImprovementAction.id)))
    files = attachments.list_for(session=session, incident_id=incident_id)
    return AfterActionReport(
        incident=incident, generated_at=now(session), phases=phases,
        events=list(audit.events(session=session, incident_id=incident_id)),
        decisions=decisions.list_for(session=session, incident_id=incident_id),
        reviews=_reviews(session, incident_id), actions=actions,
        chain=audit.verify(session=session, incident_id=incident_id, all_chains=False),
        attachments=files, task_titles={row.id: TaskName(row.title, row.title_zh) for row in session.execute(
            select(HumanTask.id, HumanTask.title, HumanTask.title_zh)
            .where(HumanTask.id.in_({a.task_id for a in files})))},
    )
