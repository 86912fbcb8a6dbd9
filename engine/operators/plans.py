"""Plan operators: publish a new version of a unit's emergency plan (一点一案): the sections the
revision changed over the previous version's, every section stored whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import registers
from engine.db import now
from engine.errors import NotFound
from engine.messages import IMPROVEMENT_ACTION_NO_SUCH
from engine.models import ImprovementAction
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import PLAN_SECTIONS


@operator("publish_plan")
def publish_plan(ctx: Context, params: Mapping[str, Any]) -> dict[str, int]:
    """A new version of the unit's plan (一点一案); drafted and approved by two different people."""
    action_id = params.get("improvement_action_id")
    action = None
    if action_id is not None:
        action = ctx.session.get(ImprovementAction, integer(params, "improvement_action_id", low=1, high=2**31))
        if action is None:
            raise NotFound(IMPROVEMENT_ACTION_NO_SUCH)
    changes = {}
    for item in items(params, "section_changes", limit=len(PLAN_SECTIONS)):
        changes[choice(item, "section", PLAN_SECTIONS)] = text(item, "text", limit=8000) or ""
    plan = registers.publish(
        session=ctx.session, unit=text(params, "unit", limit=200) or "",
        summary=text(params, "summary", limit=2000) or "", content=text(params, "content", limit=50_000, optional=True),
        changes=changes, drafted_by=text(params, "drafted_by", limit=64) or "",
        approved_by=text(params, "approved_by", limit=64) or "", improvement_action_id=action.id if action else None,
        revision_incident_id=ctx.incident.id)
    if action is not None:  # an action recorded before improvement_action existed: its revision closes it
        action.status, action.done_at = "done", now(ctx.session)
    return {"plan_id": plan.id, "version": plan.version}
