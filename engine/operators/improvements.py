"""Improvement-action operators (HSEEP's AAR/IP): the owner submits evidence (text, or a file
attached to the task — refused without either, naming the field), someone else verifies it, and
only then is the action done and any plan section it revised published; an overdue action is
marked escalated. Each runs in the command of the task or timer that reached it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from engine import audit, registers
from engine.db import now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import (
    IMPROVEMENT_ACTION_NO_SUCH,
    IMPROVEMENT_EVIDENCE_FIELD,
    IMPROVEMENT_EVIDENCE_MISSING,
    IMPROVEMENT_SECTION_FIELD,
    IMPROVEMENT_SECTION_MISSING,
    IMPROVEMENT_SELF_VERIFICATION,
)
from engine.models import Attachment, ImprovementAction
from engine.operators.params import choice, integer, items, text
from engine.operators.registry import Context, operator
from forms.vocabulary import PLAN_SECTION_LABELS, PLAN_SECTIONS


def _action(ctx: Context, params: Mapping[str, Any]) -> ImprovementAction:
    action = ctx.session.get(ImprovementAction, integer(params, "action_id", low=1, high=2**31))
    if action is None:
        raise NotFound(IMPROVEMENT_ACTION_NO_SUCH)
    return action


def _sections(params: Mapping[str, Any]) -> dict[str, str]:
    return {choice(item, "section", PLAN_SECTIONS): text(item, "text", limit=8000) or ""
            for item in items(params, "section_changes", limit=len(PLAN_SECTIONS))}


def _still_open(ctx: Context, action: ImprovementAction) -> str:
    return "overdue" if action.escalated_at is not None or action.due_at <= now(ctx.session) else "open"


@operator("submit_improvement_evidence")
def submit_improvement_evidence(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """The owner says what was done; without text and without a file on the task it is refused."""
    action = _action(ctx, params)
    written = params.get("evidence")
    evidence = text(params, "evidence") if isinstance(written, str) and written.strip() else None
    files = ctx.session.scalar(select(func.count()).select_from(Attachment)
                               .where(Attachment.incident_id == ctx.incident.id)) or 0
    if evidence is None and not files:
        raise InvalidInput(IMPROVEMENT_EVIDENCE_MISSING, fields={"evidence": IMPROVEMENT_EVIDENCE_FIELD()})
    changes = _sections(params)
    if action.plan_section and action.plan_section not in changes:
        english, chinese = PLAN_SECTION_LABELS.get(action.plan_section, (action.plan_section, action.plan_section))
        raise InvalidInput(IMPROVEMENT_SECTION_MISSING, section=english, section_zh=chinese,
                           fields={"section_changes": IMPROVEMENT_SECTION_FIELD(section=english, section_zh=chinese)})
    action.evidence, action.section_changes = evidence, changes or None
    action.submitted_by, action.submitted_at, action.status = ctx.actor.username, now(ctx.session), "submitted"
    audit.record(session=ctx.session, actor=ctx.actor.username, action="improvement_action_submitted",
                 incident_id=ctx.incident.id,
                 payload={"action_id": action.id, "title": action.title, "evidence": evidence, "attachments": files,
                          "sections": sorted(changes)})
    return {"action_id": action.id, "status": action.status}


@operator("verify_improvement_action")
def verify_improvement_action(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """Accepted by someone other than its owner: done, and the sections it revised published."""
    action = _action(ctx, params)
    verifier = ctx.actor.username
    if verifier == action.submitted_by:
        raise Forbidden(IMPROVEMENT_SELF_VERIFICATION)
    accepted = params.get("verified") is True
    action.verified_by, action.verification_note = verifier, text(params, "note", optional=True, limit=2000)
    plan = None
    if accepted:
        action.status, action.done_at = "done", now(ctx.session)
        if action.section_changes:
            plan = registers.publish(
                session=ctx.session, unit=action.plan_unit, summary=action.title[:2000], content=None,
                changes=action.section_changes, drafted_by=action.submitted_by or "", approved_by=verifier,
                improvement_action_id=action.id, revision_incident_id=ctx.incident.id)
    else:
        action.status = _still_open(ctx, action)
    audit.record(session=ctx.session, actor=verifier,
                 action="improvement_action_verified" if accepted else "improvement_action_sent_back",
                 incident_id=ctx.incident.id,
                 payload={"action_id": action.id, "title": action.title, "note": action.verification_note,
                          "plan_version": plan.version if plan else None})
    return {"action_id": action.id, "status": action.status, "plan_version": plan.version if plan else None}


@operator("escalate_improvement_action")
def escalate_improvement_action(ctx: Context, params: Mapping[str, Any]) -> dict[str, Any]:
    """The due date passed before the action was verified: it is overdue, and the approver is told."""
    action = _action(ctx, params)
    action.escalated_at = now(ctx.session)
    if action.status == "open":
        action.status = "overdue"
    audit.record(session=ctx.session, actor=ctx.actor.username, action="improvement_action_escalated",
                 incident_id=ctx.incident.id,
                 payload={"action_id": action.id, "title": action.title, "owner_seat": action.owner_seat,
                          "due_at": action.due_at.isoformat()})
    return {"action_id": action.id, "status": action.status}
