"""The units' emergency plans (一点一案) in sections: the plan in force, what one section of it says
for a task, and what changed between two versions (each version is stored whole)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db import now
from engine.errors import Forbidden, NotFound
from engine.messages import PLAN_SELF_APPROVAL, PLAN_VERSION_NOT_FOUND
from engine.models import EmergencyPlan
from forms.vocabulary import FORM_PLAN_SECTIONS, PHASE_PLAN_SECTIONS, PLAN_SECTIONS


@dataclass(frozen=True)
class PlanSection:
    unit: str
    version: int
    section: str
    text: str


@dataclass(frozen=True)
class SectionChange:
    section: str
    before: str | None
    after: str | None


def plan_in_force(*, session: Session, unit: str) -> EmergencyPlan | None:
    return session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == unit)
                           .order_by(EmergencyPlan.version.desc()).limit(1)).first()


def section_for(*, session: Session, unit: str, form_key: str, phase: str | None,
                revises: str | None = None) -> PlanSection | None:
    """The section of the unit's plan in force that a task of this form and phase works from (or the
    section it `revises`, for an improvement action's task)."""
    section = revises or FORM_PLAN_SECTIONS.get(form_key) or PHASE_PLAN_SECTIONS.get(phase or "")
    plan = plan_in_force(session=session, unit=unit) if section else None
    if plan is None or section is None or not plan.sections.get(section):
        return None
    return PlanSection(unit=unit, version=plan.version, section=section, text=plan.sections[section])


def publish(*, session: Session, unit: str, summary: str, content: str | None, changes: Mapping[str, str],
            drafted_by: str, approved_by: str, improvement_action_id: int | None,
            revision_incident_id: int) -> EmergencyPlan:
    """A new version of the unit's plan: the changed sections over the previous version's, stored
    whole (its content kept when none is given); drafted and approved by two different people."""
    if drafted_by == approved_by:
        raise Forbidden(PLAN_SELF_APPROVAL)
    previous = plan_in_force(session=session, unit=unit)
    version = (previous.version if previous else 0) + 1
    plan = EmergencyPlan(
        unit=unit, version=version, summary=summary,
        content=content if content is not None else (previous.content if previous else ""),
        sections={**(previous.sections if previous else {}), **changes},
        drafted_by=drafted_by, approved_by=approved_by, improvement_action_id=improvement_action_id,
        revision_incident_id=revision_incident_id, published_at=now(session),
    )
    session.add(plan)
    session.flush()
    audit.record(session=session, actor=approved_by, action="plan_published", incident_id=revision_incident_id,
                 payload={"plan_id": plan.id, "unit": unit, "version": version, "drafted_by": drafted_by,
                          "sections_changed": sorted(changes), "approved_by": approved_by,
                          "improvement_action_id": improvement_action_id})
    return plan


def _version(session: Session, unit: str, version: int) -> EmergencyPlan:
    plan = session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == unit,
                                                       EmergencyPlan.version == version)).first()
    if plan is None:
        raise NotFound(PLAN_VERSION_NOT_FOUND, unit=unit, version=version)
    return plan


def plan_diff(*, session: Session, unit: str, older: int, newer: int) -> list[SectionChange]:
    """The sections that differ between two versions, in the plan's order."""
    before, after = _version(session, unit, older).sections, _version(session, unit, newer).sections
    return [SectionChange(section=s, before=before.get(s), after=after.get(s))
            for s in PLAN_SECTIONS if before.get(s) != after.get(s)]
