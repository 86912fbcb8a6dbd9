"""What a task works from: the relevant section of its unit's plan in force (一点一案), the
improvement actions still open for that unit — so a response or a drill starts from what the last
review changed, and sees what is not done yet — and, for the plan owner drafting a revision, the
section text the process that started it proposes (a screening's hazards added to the risks), and for
a task that draws from the resources register, what its incident has reserved."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, registers
from engine.definitions.forms import form_of
from engine.models import HumanTask, ImprovementAction, Incident
from forms import resource_field
from forms.vocabulary import PLAN_SECTIONS

CLOSURE_FORM = "improvement_closure"
DRAFT_FORM = "plan_draft"


@dataclass(frozen=True)
class Proposal:
    """A section's text as the process that started the revision proposes it (its start variable
    `proposed_<section>`), by that process's reference."""

    section: str
    text: str
    proposed_by: str | None


@dataclass(frozen=True)
class Guidance:
    plan_section: registers.PlanSection | None
    open_actions: list[ImprovementAction]
    proposals: list[Proposal] = field(default_factory=list)
    #: For a task that draws from the resources register: what its incident still holds (预留),
    #: which its draws take first.
    reserved: list[registers.Holding] = field(default_factory=list)


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
    draws = resource_field(form_of(session=session, task=task), "draws") is not None
    return Guidance(section, actions, _proposals(session, incident) if task.form_key == DRAFT_FORM else [],
                    [h for h in registers.holdings(session=session, incident_id=incident.id) if h.reservation.held]
                    if draws else [])


def _proposals(session: Session, incident: Incident) -> list[Proposal]:
    started = next(audit.events(session=session, incident_id=incident.id, action="incident_started", limit=1), None)
    data = (started.payload or {}).get("data") or {} if started is not None else {}
    parent = session.get(Incident, incident.parent_id) if incident.parent_id is not None else None
    return [Proposal(section, text, parent.reference if parent else None) for section in PLAN_SECTIONS
            if isinstance(text := data.get(f"proposed_{section}"), str) and text.strip()]
