"""What a task works from: the relevant section of its unit's plan in force (一点一案), and the
improvement actions still open for that unit — so a response or a drill starts from what the last
review changed, and sees what is not done yet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import registers
from engine.models import HumanTask, ImprovementAction, Incident

CLOSURE_FORM = "improvement_closure"


@dataclass(frozen=True)
class Guidance:
    plan_section: registers.PlanSection | None
    open_actions: list[ImprovementAction]


def guidance_for(*, session: Session, task: HumanTask) -> Guidance:
    incident = session.get(Incident, task.incident_id)
    if incident is None:
        return Guidance(None, [])
    # carrying out an improvement action shows the section the action revises, as it stands now
    revises = session.scalar(select(ImprovementAction.plan_section).where(
        ImprovementAction.revision_incident_id == incident.id)) if task.form_key == CLOSURE_FORM else None
    section = registers.section_for(session=session, unit=incident.unit, form_key=task.form_key, phase=task.phase,
                                    revises=revises)
    actions = registers.list_improvement_actions(
        session=session, filters=registers.ActionFilter(not_done=True, plan_unit=incident.unit), limit=20)
    return Guidance(section, actions)
