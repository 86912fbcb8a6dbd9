"""Hazard register operators (风险隐患台账): register a screening's findings (which starts a revision
of the unit plan's risk section), update a hazard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine import audit, registers
from engine.db import now
from engine.errors import InvalidInput, NotFound
from engine.messages import HAZARD_FINDING_NOT_VALID, HAZARD_NO_SUCH
from engine.models import Hazard, Incident
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import FACILITIES, HAZARD_GRADES, HAZARD_STATUSES


def _hazard_view(hazard: Hazard) -> dict[str, Any]:
    return {"hazard_id": hazard.id, "grade": hazard.grade, "owner_seat": hazard.owner_seat,
            "deadline": hazard.deadline.isoformat(), "location": hazard.location,
            "description": hazard.description, "status": hazard.status}


@operator("register_hazards")
def register_hazards(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    unit = text(params, "unit", limit=200)
    moment = now(ctx.session)
    created = []
    for index, finding in enumerate(items(params, "findings")):
        try:
            hazard = Hazard(
                incident_id=ctx.incident.id, unit=unit, location=text(finding, "location", limit=300),
                facility=choice(finding, "facility", FACILITIES),
                description=text(finding, "description"), grade=choice(finding, "grade", HAZARD_GRADES),
                owner_seat=text(finding, "owner_seat", limit=64),
                deadline=moment + timedelta(days=integer(finding, "rectify_within_days", low=0, high=365)),
                status="open", note=None, found_by=ctx.actor.username, found_at=moment, updated_at=moment,
            )
        except InvalidInput as exc:
            raise InvalidInput(HAZARD_FINDING_NOT_VALID, number=index + 1, problem=exc.message,
                               fields={f"findings.{index}.{k}": v for k, v in exc.fields.items()}) from exc
        ctx.session.add(hazard)
        created.append(hazard)
    ctx.session.flush()
    revision = _revise_risks(ctx, unit or "", created) if created else None
    audit.record(session=ctx.session, actor=ctx.actor.username, action="hazards_registered",
                 incident_id=ctx.incident.id,
                 payload={"hazards": [_hazard_view(h) for h in created], "unit": unit,
                          "plan_revision": revision.reference if revision else None})
    return [_hazard_view(h) for h in created]


def _revise_risks(ctx: Context, unit: str, found: list[Hazard]) -> Incident:
    """Hazards found change the plan's risk section: the plan owner revises it, another approves."""
    plan = registers.plan_in_force(session=ctx.session, unit=unit)
    risks = (plan.sections.get("risks") if plan else None) or ""
    lines = "\n".join(f"- [{h.grade}] {h.location}: {h.description} (#{h.id})" for h in found)
    return ctx.start_instance(
        process_id="plan_revision", title=f"Risk section: {len(found)} hazard(s) found by {ctx.incident.reference}",
        category=ctx.incident.category, unit=unit, exercise=ctx.incident.exercise,
        data={"improvement_action_id": None, "action_title": "Update the risk section with the hazards found",
              "proposed_risks": f"{risks}\n{lines}".strip()})


@operator("update_hazard")
def update_hazard(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    hazard = ctx.session.get(Hazard, integer(params, "hazard_id", low=1, high=2**31))
    if hazard is None:
        raise NotFound(HAZARD_NO_SUCH)
    before = hazard.status
    hazard.status = choice(params, "status", HAZARD_STATUSES)
    hazard.note = text(params, "note", optional=True)
    hazard.updated_at = now(ctx.session)
    audit.record(session=ctx.session, actor=ctx.actor.username, action="hazard_updated",
                 incident_id=ctx.incident.id,
                 payload={"hazard_id": hazard.id, "from": before, "to": hazard.status, "note": hazard.note})
    return {"hazard_id": hazard.id, "status": hazard.status}
