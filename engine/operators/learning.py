"""Learning operators: improvement actions from an after-action review or a drill, each a row of
the improvement plan (HSEEP's AAR/IP) carried out by an `improvement_action` process started in
the same command: a task for its owner seat, due on its date, closed with evidence and verified."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine import audit
from engine.db import now
from engine.messages import TITLE_IMPROVEMENT_ACTION
from engine.models import ImprovementAction
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import ACTION_SOURCES, CAPABILITIES, PLAN_SECTIONS


def _optional_choice(item: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str | None:
    return choice(item, name, choices) if item.get(name) is not None else None


@operator("record_improvement_actions")
def record_improvement_actions(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Store each action and start the process that has its owner carry it out."""
    source = choice(params, "source", ACTION_SOURCES)
    moment = now(ctx.session)
    results = []
    for item in items(params, "actions", limit=50):
        start_in = integer(item, "start_in_days", low=0, high=365) if item.get("start_in_days") is not None else 0
        action = ImprovementAction(
            incident_id=ctx.incident.id, source=source, title=text(item, "title", limit=300) or "",
            capability=_optional_choice(item, "capability", CAPABILITIES),
            issue=text(item, "issue", optional=True, limit=2000),
            owner_seat=text(item, "owner_seat", limit=64) or "", plan_unit=text(item, "plan_unit", limit=200) or "",
            plan_section=_optional_choice(item, "plan_section", PLAN_SECTIONS),
            start_at=moment + timedelta(days=start_in),
            due_at=moment + timedelta(days=integer(item, "due_in_days", low=1, high=730)), status="open",
            created_by=ctx.actor.username, created_at=moment, done_at=None,
        )
        ctx.session.add(action)
        ctx.session.flush()
        child = ctx.start_instance(
            process_id="improvement_action", title=str(TITLE_IMPROVEMENT_ACTION(action=action.title))[:200],
            category=ctx.incident.category, unit=action.plan_unit, exercise=False,
            data={"action_id": action.id, "action_title": action.title, "owner_seat": action.owner_seat,
                  "due_at": action.due_at.isoformat(), "plan_section": action.plan_section,
                  # what the forms may leave out
                  "evidence": None, "section_changes": [], "verification_note": None},
        )
        action.revision_incident_id = child.id
        audit.record(session=ctx.session, actor=ctx.actor.username, action="improvement_action_recorded",
                     incident_id=ctx.incident.id,
                     payload={"action_id": action.id, "title": action.title, "owner_seat": action.owner_seat,
                              "due_at": action.due_at.isoformat(), "plan_unit": action.plan_unit,
                              "capability": action.capability, "plan_section": action.plan_section,
                              "process": child.reference})
        results.append({"action_id": action.id, "process": child.reference})
    return results
