"""接报: the duty officer's first report from the web — what, where, when, how many hurt or trapped,
who is on scene — which starts the incident through the one command door and then shows the
reporting deadline that follows.

Why a page of its own and not the model's first task: the incident must exist (numbered, timed,
in the audit trail) the moment the call comes in, from a phone if need be; grading and the
written report are the model's tasks after that. The first report goes into the incident's
start variables (`first_report`), so it is in the trail's `incident_started` event and the model
can read it. Which deadline follows is the model's business: the page shows the soonest due open
task or timer the started incident has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from engine import definitions, incidents, tasks
from engine.actors import Actor
from engine.errors import InvalidInput
from engine.messages import INCIDENT_CANNOT_START
from engine.models import Incident
from forms.i18n import one_of
from forms.messages import (
    FIELD_AT_MOST_CHARACTERS,
    FIELD_INTEGER,
    FIELD_MAXIMUM,
    FIELD_REQUIRED,
    Message,
)
from forms.vocabulary import CATEGORIES

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
#: The incident processes a first report starts: the first of these that is deployed.
PROCESSES = ("incident_lifecycle", "community_incident")
COUNTS = ("deaths", "injured", "trapped", "missing")
TEXTS = {"title": 200, "unit": 200, "location": 200, "on_scene": 1000, "description": 2000}
MOST_PEOPLE = 100_000
#: A first report may be a little ahead of the server's clock (a phone's clock), not more.
CLOCK_SLACK = timedelta(minutes=5)
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Deadline:
    title: str
    title_zh: str | None
    due_at: datetime


def _processes(session: Session) -> list[str]:
    deployed = {d.process_id for d in definitions.list_definitions(session=session)}
    return [p for p in PROCESSES if p in deployed]


@router.get("/report")
def form(ctx: Page) -> Response:
    return _form(ctx, {"occurred_at": ctx.database.clock.now().astimezone(ctx.zone).strftime(LOCAL_MINUTE)}, {})


def _form(ctx: Page, values: dict[str, str], errors: dict[str, Message], status: int = 200) -> Response:
    with ctx.database.read() as session:
        processes = _processes(session)
    return render(ctx, "first_report.html", status=status, v=values, errors=errors, categories=CATEGORIES,
                  processes=processes, allowed=ctx.require_user().may_report)


def _count(text: str, name: str, errors: dict[str, Message]) -> int:
    if not text.strip():
        return 0
    if not text.strip().isdigit():
        errors[name] = FIELD_INTEGER()
        return 0
    number = int(text.strip())
    if number > MOST_PEOPLE:
        errors[name] = FIELD_MAXIMUM(limit=MOST_PEOPLE)
    return number


def _occurred(ctx: Page, text: str, errors: dict[str, Message]) -> datetime | None:
    try:
        moment = datetime.strptime(text.strip(), LOCAL_MINUTE).replace(tzinfo=ctx.zone).astimezone(UTC)
    except ValueError:
        errors["occurred_at"] = FIELD_REQUIRED()
        return None
    if moment > ctx.database.clock.now() + CLOCK_SLACK:
        errors["occurred_at"] = FIELD_MAXIMUM(limit=ctx.database.clock.now().astimezone(ctx.zone)
                                              .strftime("%Y-%m-%d %H:%M"))
    return moment


def first_report(ctx: Page, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, Message]]:
    """The posted strings checked and typed: the start variables, or errors by field."""
    errors: dict[str, Message] = {}
    for name, limit in TEXTS.items():
        if len(values[name]) > limit:
            errors[name] = FIELD_AT_MOST_CHARACTERS(limit=limit)
    for name in ("title", "unit", "location"):
        if not values[name]:
            errors[name] = FIELD_REQUIRED()
    if values["category"] not in CATEGORIES:
        errors["category"] = one_of(CATEGORIES, kind="category")
    counts = {name: _count(values[name], name, errors) for name in COUNTS}
    occurred = _occurred(ctx, values["occurred_at"], errors)
    report: dict[str, Any] = {
        "location": values["location"], "occurred_at": occurred.isoformat() if occurred else None,
        **counts, "on_scene": values["on_scene"], "description": values["description"], "channel": "web"}
    return report, errors


@router.post("/report")
def submit(ctx: Page, posted: Posted) -> Response:
    names = (*TEXTS, "category", "occurred_at", *COUNTS)
    values = {name: str(posted.get(name) or "").strip() for name in names}
    report, errors = first_report(ctx, values)
    with ctx.database.read() as session:
        process = (_processes(session) or PROCESSES)[0]

    def start(session: Session, actor: Actor) -> Incident:
        if errors:
            raise InvalidInput(INCIDENT_CANNOT_START, fields=errors)
        return incidents.start(session=session, actor=actor, process_id=process, title=values["title"],
                               category=values["category"], unit=values["unit"], data={"first_report": report})

    try:
        started = ctx.command(start)
    except InvalidInput as exc:
        return _form(ctx, values, dict(exc.fields), status=422)
    return redirect(ctx, f"{PREFIX}/report/{started.reference}")


def next_deadline(session: Session, incident_id: int) -> Deadline | None:
    """The soonest due open task or pending timer of a started incident."""
    state = incidents.state(session=session, incident_id=incident_id)
    due = [Deadline(t.title, t.title_zh, t.due_at) for t in state.open_tasks if t.due_at is not None]
    due += [Deadline(t.name or t.element, None, t.due_at) for t in state.timers if t.due_at is not None]
    return min(due, key=lambda d: d.due_at) if due else None


@router.get("/report/{ref}")
def reported(ctx: Page, ref: str) -> Response:
    """What follows the report: its reference, the next deadline, and the reporter's next task."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
        deadline = next_deadline(session, incident.id)
        mine = [t for t in tasks.inbox(session=session, actor=user.principal.actor) if t.incident_id == incident.id]
    return render(ctx, "first_report_done.html", incident=incident, deadline=deadline, mine=mine)
