"""Incidents: the filtered list, the incident page, and the commander's actions on it."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.messages import LEVEL_NOT_CHANGED
from api.pages import exports
from api.pages.events import model_words
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from api.policies import may_oversee
from engine import audit, definitions, incidents, registers, seats
from engine.actors import Actor
from engine.errors import Conflict, InvalidInput, NotFound
from engine.learning import decisions
from engine.models import Incident
from engine.overview import diagram
from forms.i18n import one_of
from forms.messages import FIELD_REQUIRED, Message, restored
from forms.vocabulary import (
    CLOSED_PHASE,
    INCIDENT_STATUSES,
    LEVELS,
    ORDER_SEATS,
    PHASES,
    REVIEWER,
    SEAT_LABELS,
    URGENCIES,
)

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
STRIP = (*PHASES, CLOSED_PHASE)
FLASHES = {"decision_recorded", "level_changed", "seated", "response_over", "variable_set", "retried", "retry_failed",
           "migrated"}
CHANGE_LEVEL, RESPONSE_OVER = "change_level", "response_over"
TIMELINE_LIMIT = 500
CSV_LIMIT = 5000


@dataclass(frozen=True)
class CancelledTask:
    title: str
    title_zh: str | None
    subject: str | None
    role: str


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


def _filters(phase: str | None, level: str | None, status: str | None, unit: str | None, exercise: str | None,
             text: str | None) -> incidents.IncidentFilter:
    return incidents.IncidentFilter(
        phase=_choice(phase, STRIP), response_level=_choice(level, LEVELS),
        status=_choice(status, INCIDENT_STATUSES), unit=(unit or "").strip()[:200] or None,
        exercise={"1": True, "0": False}.get(exercise or ""), text=(text or "").strip()[:200] or None)


@router.get("/incidents.csv")
def list_csv(ctx: Page, phase: str | None = None, level: str | None = None, status: str | None = None,
             unit: str | None = None, exercise: str | None = None, text: str | None = None) -> Response:
    """The filtered list as CSV (up to 5,000 incidents, newest first), times in the reader's zone."""
    ctx.require_user()
    with ctx.database.read() as session:
        found = incidents.list_incidents(session=session, filters=_filters(phase, level, status, unit, exercise, text),
                                         limit=CSV_LIMIT)
        body = exports.incidents_csv(found, ctx.lang, ctx.zone)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=incidents.csv", "Cache-Control": "no-store"})


@router.get("/incidents")
def list_page(ctx: Page, phase: str | None = None, level: str | None = None, status: str | None = None,
              unit: str | None = None, exercise: str | None = None, text: str | None = None,
              after: int | None = None) -> Response:
    ctx.require_user()
    filters = _filters(phase, level, status, unit, exercise, text)
    with ctx.database.read() as session:
        found = incidents.list_incidents(session=session, filters=filters, after_id=after, limit=51)
    return render(ctx, "incidents.html", incidents=found[:50], more=found[49].id if len(found) > 50 else None,
                  f=filters, exercise=exercise or "", phases=STRIP, levels=LEVELS, statuses=INCIDENT_STATUSES)


def incident_page(ctx: Page, ref: str, status: int = 200, **form: Any) -> Response:
    user = ctx.require_user()
    principal = user.principal
    with ctx.database.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        state = incidents.state(session=session, incident_id=incident_id)
        drawn = diagram.for_incident(session=session, incident_id=incident_id, now=ctx.database.clock.now())
        oversee = may_oversee(session, principal, incident_id)
        reads_decisions = oversee or seats.holds(session=session, actor=principal.actor, role=REVIEWER,
                                                 incident_id=incident_id)
        timeline = list(audit.events(session=session, incident_id=incident_id)) if oversee else None
        made = decisions.list_for(session=session, incident_id=incident_id) if reads_decisions else None
        commander = not user.is_auditor and seats.holds(session=session, actor=principal.actor,
                                                        role=seats.COMMANDER, incident_id=incident_id)
        people = [(u.username, u.display_name or u.username) for u in seats.list_users(session=session)
                  if u.is_active] if commander else []
        definition = definitions.get_by_id(session=session, definition_id=state.incident.definition_id)
        summary, words = definition.summary, model_words(definition, ctx.lang)
        visited = {p.phase for p in state.phase_history}
        failure = incidents.open_failure(session=session, incident_id=incident_id)
        versions = incidents.newer_versions(session=session, incident=state.incident) if user.is_admin else []
        held = registers.holdings(session=session, incident_id=incident_id)
    return render(ctx, "incident.html", status=status, s=state, incident=state.incident, diagrams=drawn,
                  failure=failure, versions=versions, holdings=held,
                  failure_error=restored(failure.error_code, failure.error_params, failure.error) if failure else None,
                  steer=(commander or user.is_admin) and not user.is_auditor,
                  strip=STRIP, timeline=timeline[-TIMELINE_LIMIT:] if timeline is not None else None,
                  timeline_cut=timeline is not None and len(timeline) > TIMELINE_LIMIT,
                  decisions=made, commander=commander, oversee=oversee, people=people,
                  roles=sorted(set(summary.get("lanes", [])) | set(SEAT_LABELS)),
                  titles=words, visited=visited, levels=LEVELS, urgencies=URGENCIES,
                  order_seats=ORDER_SEATS, order_rows=ORDER_ROWS,
                  orders=[o for d in made or [] for o in d.orders] if commander else [],
                  can_change_level=commander and CHANGE_LEVEL in state.waiting_messages,
                  can_end_response=commander and RESPONSE_OVER in state.waiting_messages,
                  now=ctx.database.clock.now(), flash=form.pop("flash", None),
                  confirm_end=form.pop("confirm_end", None), form=form)


@router.get("/incidents/{ref}")
def show(ctx: Page, ref: str, done: str | None = None) -> Response:
    return incident_page(ctx, ref, flash=done if done in FLASHES else None)


def _id(session: Session, ref: str) -> int:
    return incidents.resolve(session=session, ref=ref).id


def _back(ctx: Page, ref: str, flash: str) -> Response:
    return redirect(ctx, f"{PREFIX}/incidents/{ref}?done={flash}#actions")


ORDER_ROWS = 3


def _orders(form: Posted, zone: tzinfo) -> list[dict[str, str]]:
    """The order rows the commander filled in (seat, instruction, due time in their own zone)."""
    rows = []
    for n in range(ORDER_ROWS):
        row = {k: str(form.get(f"order_{n}_{k}") or "").strip() for k in ("seat", "instruction", "due_at")}
        if row["seat"] or row["instruction"]:
            rows.append(row)
    for row in rows:
        with suppress(ValueError):  # else the engine names the field: empty, or not a date and time
            row["due_at"] = datetime.fromisoformat(row["due_at"]).replace(tzinfo=zone).isoformat()
    return rows


@router.post("/incidents/{ref}/decisions")
def record_decision(ctx: Page, ref: str, form: Posted) -> Response:
    names = ("situation", "options", "choice", "rationale", "authority_basis", "expected_effect", "urgency")
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in names}
    values["departs_from_plan"] = form.get("departs_from_plan") == "true"
    values.update({f"order_{n}_{k}": str(form.get(f"order_{n}_{k}") or "")
                   for n in range(ORDER_ROWS) for k in ("seat", "instruction", "due_at")})
    try:
        ctx.command(lambda session, actor: incidents.decide(
            session=session, actor=actor, incident_id=_id(session, ref),
            situation=values["situation"], choice=values["choice"], rationale=values["rationale"],
            authority_basis=values["authority_basis"],
            options_considered=[line.strip() for line in values["options"].splitlines() if line.strip()],
            expected_effect=values["expected_effect"] or None, departs_from_plan=bool(values["departs_from_plan"]),
            urgency=values["urgency"], orders=_orders(form, ctx.zone)))
    except (InvalidInput, Conflict) as exc:  # Conflict: this incident's process version takes no orders
        return incident_page(ctx, ref, status=422 if isinstance(exc, InvalidInput) else 409, decision=values,
                             decision_errors=exc.fields or {"orders": exc.message})
    return _back(ctx, ref, "decision_recorded")


@router.post("/incidents/{ref}/level")
def change_level(ctx: Page, ref: str, form: Posted) -> Response:
    """The twin of `POST /incidents/{ref}/messages` with `change_level` and {level, reason}."""
    level, reason = str(form.get("level") or ""), str(form.get("reason") or "").strip()
    errors: dict[str, Message] = {}
    if level not in LEVELS:
        errors["level"] = one_of(LEVELS, kind="level")
    if not reason:
        errors["reason"] = FIELD_REQUIRED()

    def change(session: Session, actor: Actor) -> Incident:
        if errors:  # the page's own fields, named as the form names them
            raise InvalidInput(LEVEL_NOT_CHANGED, fields=errors)
        return incidents.send_message(session=session, actor=actor, incident_id=_id(session, ref),
                                      name=CHANGE_LEVEL, payload={"level": level, "reason": reason[:2000]})

    try:
        ctx.command(change)
    except InvalidInput as exc:
        return incident_page(ctx, ref, status=422, level={"level": level, "reason": reason}, level_errors=exc.fields)
    return _back(ctx, ref, "level_changed")


@router.post("/incidents/{ref}/seats")
def seat(ctx: Page, ref: str, form: Posted) -> Response:
    values = {"username": str(form.get("username") or "").strip(), "role": str(form.get("role") or "").strip()}
    try:
        ctx.command(lambda session, actor: seats.seat(session=session, actor=actor, incident_id=_id(session, ref),
                                                      **values))
    except (InvalidInput, NotFound, Conflict) as exc:  # an unknown person or a seat held already
        return incident_page(ctx, ref, status=422, seat=values, seat_errors=exc.fields or {"username": exc.message})
    return _back(ctx, ref, "seated")


@router.post("/incidents/{ref}/response-over")
def response_over(ctx: Page, ref: str, form: Posted) -> Response:
    """First the confirmation naming the open tasks it cancels (a rehearsal that changes nothing);
    with `confirm=yes`, the message itself."""
    def send(session: Session, actor: Actor) -> Incident:
        return incidents.send_message(session=session, actor=actor, incident_id=_id(session, ref),
                                      name=RESPONSE_OVER, payload={"declared_by": actor.username})

    if form.get("confirm") == "yes":
        ctx.command(send)
        return _back(ctx, ref, "response_over")
    cancels = ctx.command(lambda session, actor: [
        CancelledTask(t.title, t.title_zh, t.subject, t.role) for t in incidents.preview_message(
            session=session, actor=actor, incident_id=_id(session, ref), name=RESPONSE_OVER,
            payload={"declared_by": actor.username})])
    return incident_page(ctx, ref, confirm_end=cancels)
