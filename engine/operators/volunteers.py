"""Volunteer operators: the matched volunteers go out with the incident (the second echelon), and
are stood down once their work is reported."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import registers
from engine.operators.params import items
from engine.operators.registry import Context, operator


@operator("deploy_volunteers")
def deploy_volunteers(ctx: Context, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return registers.deploy_volunteers(session=ctx.session, actor=ctx.actor, incident_id=ctx.incident.id,
                                       matches=items(params, "matches", limit=100))


@operator("stand_down_volunteers")
def stand_down_volunteers(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    assignments = items(params, "assignments", limit=100)
    registers.stand_down_volunteers(session=ctx.session, actor=ctx.actor, incident_id=ctx.incident.id,
                                    volunteer_ids=[int(a["volunteer_id"]) for a in assignments])
    return {"stood_down": len(assignments)}
