"""信息报告: the report register of an incident — each initial (首报), follow-up (续报) and final
(终报) report it owes the level above, with its addressee, due time and sent time. What an
inspector asks for first.

The reports are the model's tasks (their form says which kind, the task's `subject` names the
addressee's tier, the deadline timer sets the due time), so the register reads the inbox rows
the engine already keeps: a report still open is listed as due, a cancelled one as never sent,
and a report sent after its due time stays marked late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask
from forms.vocabulary import REPORT_FORMS, TASK_COMPLETED


@dataclass(frozen=True)
class ReportEntry:
    task_id: str
    #: initial | follow_up | final (forms.vocabulary.REPORT_KINDS)
    kind: str
    element: str
    title: str
    title_zh: str | None
    #: The tier the report goes to (street, district, …), as the model addressed it.
    addressee: str | None
    #: ready (due) | completed (sent) | cancelled (never sent)
    state: str
    due_at: datetime | None
    sent_at: datetime | None
    sent_by: str | None
    late: bool
    summary: str | None


def _entry(task: HumanTask, now: datetime) -> ReportEntry:
    sent_at = task.completed_at if task.state == TASK_COMPLETED else None
    data = task.data or {}
    summary = data.get("summary") or data.get("status_summary")
    return ReportEntry(
        task_id=task.id, kind=REPORT_FORMS[task.form_key], element=task.task_spec, title=task.title,
        title_zh=task.title_zh,
        addressee=task.subject, state=task.state, due_at=task.due_at, sent_at=sent_at,
        sent_by=task.completed_by if sent_at else None,
        late=task.due_at is not None and (sent_at or now) > task.due_at,
        summary=str(summary) if summary else None)


def report_register(*, session: Session, incident_id: int, now: datetime) -> list[ReportEntry]:
    """Every report task of the incident, in the order they fell due (then were opened)."""
    found = session.scalars(select(HumanTask).where(
        HumanTask.incident_id == incident_id, HumanTask.form_key.in_(tuple(REPORT_FORMS))))
    entries = [_entry(task, now) for task in found]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(entries, key=lambda e: (e.due_at or far, e.sent_at or far, e.task_id))
