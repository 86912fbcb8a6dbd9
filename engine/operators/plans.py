"""Plan operators: publish a new version of a unit's emergency plan (一点一案): the sections the
revision changed over the previous version's, every section stored whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine import audit
from engine.db import now
from engine.errors import Forbidden, NotFound
from engine.messages import IMPROVEMENT_ACTION_NO_SUCH, PLAN_SELF_APPROVAL
from engine.models import EmergencyPlan, ImprovementAction
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import PLAN_SECTIONS


@operator("publish_plan")
def publish_plan(ctx: Context, params: Mapping[str, Any]) -> dict[str, int]:
    """A new version of the unit's plan (一点一案); drafted and approved by two different people."""
    unit = text(params, "unit", limit=200)
    drafted_by = text(params, "drafted_by", limit=64)
    approved_by = text(params, "approved_by", limit=64)
    if drafted_by == approved_by:
        raise Forbidden(PLAN_SELF_APPROVAL)
    action_id = params.get("improvement_action_id")
    action = None
    if action_id is not None:
        action = ctx.session.get(ImprovementAction, integer(params, "improvement_action_id", low=1, high=2**31))
        if action is None:
            raise NotFound(IMPROVEMENT_ACTION_NO_SUCH)
    previous = ctx.session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == unit)
                                   .order_by(EmergencyPlan.version.desc()).limit(1)).first()
    version = (previous.version if previous else 0) + 1
    changes = {}
    for item in items(params, "section_changes", limit=len(PLAN_SECTIONS)):
        changes[choice(item, "section", PLAN_SECTIONS)] = text(item, "text", limit=8000)
    sections = {**(previous.sections if previous else {}), **changes}
    plan = EmergencyPlan(
        sections=sections,
        unit=unit, version=version, summary=text(params, "summary", limit=2000), content=text(params, "content",
                                                                                                limit=50_000),
        drafted_by=drafted_by, approved_by=approved_by, improvement_action_id=action.id if action else None,
        revision_incident_id=ctx.incident.id, published_at=now(ctx.session),
    )
    ctx.session.add(plan)
    if action is not None:
        action.status, action.done_at = "done", now(ctx.session)
    ctx.session.flush()
    audit.record(session=ctx.session, actor=ctx.actor.username, action="plan_published",
                 incident_id=ctx.incident.id,
                 payload={"plan_id": plan.id, "unit": unit, "version": version, "drafted_by": drafted_by,
                          "sections_changed": sorted(changes),
                          "approved_by": approved_by, "improvement_action_id": plan.improvement_action_id})
    return {"plan_id": plan.id, "version": version}
