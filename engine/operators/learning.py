"""Learning operators: improvement actions from an after-action review or a drill, each
carried back into its unit's plan by a plan_revision process started in the same command."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine import audit
from engine.db import now
from engine.messages import TITLE_PLAN_REVISION
from engine.models import ImprovementAction
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import ACTION_SOURCES


@operator("record_improvement_actions")
def record_improvement_actions(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Store each action and start the plan_revision that carries it back into the unit's plan."""
    source = choice(params, "source", ACTION_SOURCES)
    moment = now(ctx.session)
    results = []
    for item in items(params, "actions", limit=50):
        action = ImprovementAction(
            incident_id=ctx.incident.id, source=source, title=text(item, "title", limit=300) or "",
            owner_seat=text(item, "owner_seat", limit=64) or "", plan_unit=text(item, "plan_unit", limit=200) or "",
            due_at=moment + timedelta(days=integer(item, "due_in_days", low=1, high=730)), status="open",
            created_by=ctx.actor.username, created_at=moment, done_at=None,
        )
        ctx.session.add(action)
        ctx.session.flush()
        child = ctx.start_instance(
            process_id="plan_revision", title=str(TITLE_PLAN_REVISION(action=action.title))[:200],
            category=ctx.incident.category, unit=action.plan_unit, exercise=False,
            data={"improvement_action_id": action.id, "action_title": action.title,
                  "owner_seat": action.owner_seat, "due_at": action.due_at.isoformat()},
        )
        action.revision_incident_id = child.id
        audit.record(session=ctx.session, actor=ctx.actor.username, action="improvement_action_recorded",
                     incident_id=ctx.incident.id,
                     payload={"action_id": action.id, "title": action.title, "owner_seat": action.owner_seat,
                              "due_at": action.due_at.isoformat(), "plan_unit": action.plan_unit,
                              "plan_revision": child.reference})
        results.append({"action_id": action.id, "plan_revision": child.reference})
    return results
