"""My tasks (the inbox), one task with its form, and claim / release / complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.pages import fields
from api.pages.context import task_context
from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render, task_title
from api.policies import require_task_visible
from api.routes.attachments import AttachmentId, download, limits_of, store_of
from engine import attachments, incidents, seats, tasks
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import HumanTask, Incident

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FLASHES = {"task_completed", "task_claimed", "task_released", "attached", "seated"}


@router.get("/")
def home(ctx: Page) -> Response:
    ctx.require_user()
    return redirect(ctx, f"{PREFIX}/tasks")


SORTS = ("due", "newest", "incident")
SHOWS = ("all", "overdue", "mine", "unclaimed")


@dataclass(frozen=True)
class Row:
    task: HumanTask
    incident: Incident
    overdue: bool
    mine: bool


def _matches(row: Row, text: str) -> bool:
    task, incident = row.task, row.incident
    haystack = " ".join(str(v or "") for v in (task.title, task.title_zh, task.subject, incident.reference,
                                                incident.title, incident.unit)).casefold()
    return all(word in haystack for word in text.casefold().split())


@router.get("/tasks")
def inbox(ctx: Page, done: str | None = None, q: str | None = None, show: str | None = None,
          sort: str | None = None) -> Response:
    """My seats' open tasks: searched (title, subject, incident, unit), shown by kind, sorted."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        found = tasks.inbox(session=session, actor=user.principal.actor)
        by_id = {i: incidents.get(session=session, incident_id=i) for i in {t.incident_id for t in found}}
    now = ctx.database.clock.now()
    rows = [Row(t, by_id[t.incident_id], t.due_at is not None and t.due_at < now, t.assignee_id == user.user_id)
            for t in found]
    total = len(rows)
    text, show, sort = (q or "").strip()[:200], show if show in SHOWS else "all", sort if sort in SORTS else "due"
    if text:
        rows = [r for r in rows if _matches(r, text)]
    if show != "all":
        rows = [r for r in rows
                if {"overdue": r.overdue, "mine": r.mine, "unclaimed": r.task.assignee_id is None}[show]]
    if sort == "newest":
        rows.sort(key=lambda r: r.task.created_at, reverse=True)
    elif sort == "incident":
        rows.sort(key=lambda r: (r.incident.reference, r.task.created_at))
    else:
        rows.sort(key=lambda r: not r.overdue)  # overdue first; the engine already orders by due time
    return render(ctx, "inbox.html", rows=rows, total=total, q=text, show=show, sort=sort, shows=SHOWS, sorts=SORTS,
                  flash=done if done in FLASHES else None)


def _people(session: Session, schema: Mapping[str, Any], incident_id: int) -> dict[str, list[tuple[str, str]]]:
    """Holders of the seats a person field asks for (`x-person-seats`), by name; empty seats left out."""
    wanted = {str(seat) for spec in (schema.get("properties") or {}).values() if isinstance(spec, Mapping)
              for seat in spec.get("x-person-seats") or []}
    found = {seat: [(u.username, u.display_name or u.username) for u in seats.holders(
        session=session, role=seat, incident_id=incident_id) if u.is_active] for seat in sorted(wanted)}
    return {seat: people for seat, people in found.items() if people}


def _task_page(ctx: Page, task_id: str, values: dict[str, Any] | None = None,
               errors: Mapping[str, str] | None = None, status: int = 200,
               attach_errors: Mapping[str, str] | None = None, flash: str | None = None,
               conflict: str | None = None, seat_errors: Mapping[str, str] | None = None) -> Response:
    user = ctx.require_user()
    schema: Mapping[str, Any]
    with ctx.database.read() as session:
        task = tasks.get(session=session, task_id=task_id)
        require_task_visible(session, user.principal, task)
        incident = incidents.get(session=session, incident_id=task.incident_id)
        may_act = tasks.may_act_on(session=session, actor=user.principal.actor, task=task) and not user.is_auditor
        files = attachments.list_for(session=session, incident_id=task.incident_id, task_id=task.id)
        schema = tasks.form_of(session=session, task=task)
        people = _people(session, schema, task.incident_id)
        about = task_context(session, task, ctx.lang, ctx.zone, lambda t: task_title(t, ctx.lang))
        guidance = tasks.guidance_for(session=session, task=task)
    shown = values if values is not None else (task.data or {})
    made = fields.fields_of(schema, shown, errors or {}, ctx.lang)
    unseated = sorted({seat for f in made if f.widget == "person" for seat in f.seats} - set(people))
    return render(ctx, "task.html", status=status, task=task, incident=incident, schema=schema,
                  fields=made, people=people, about=about, conflict=conflict, guidance=guidance,
                  unseated=unseated if user.is_admin and task.state == "ready" else [], seat_errors=seat_errors or {},
                  candidates=_candidates(ctx) if user.is_admin and unseated else [],
                  other_errors=fields.form_errors(errors or {}, schema, ctx.lang),
                  has_errors=bool(errors), may_act=may_act and task.state == "ready",
                  overdue=task.due_at is not None and task.due_at < ctx.database.clock.now(),
                  files=files, may_attach=may_act, attach_errors=attach_errors or {},
                  max_megabytes=ctx.settings.attachment_max_bytes // (1024 * 1024), flash=flash)


@router.get("/tasks/{task_id}")
def show(ctx: Page, task_id: str, done: str | None = None) -> Response:
    return _task_page(ctx, task_id, flash=done if done in FLASHES else None)


@router.post("/tasks/{task_id}/attachments")
async def attach(ctx: Page, task_id: str, form: Posted) -> Response:
    """A photo or file on the task; refused files come back as errors by the upload form."""
    ctx.require_user()
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    filename = upload.filename if isinstance(upload, UploadFile) and upload.filename else "file"
    return await run_in_threadpool(_attach, ctx, task_id, form, filename, data)


def _attach(ctx: Page, task_id: str, form: FormData, filename: str, data: bytes) -> Response:
    kind, note = str(form.get("kind") or ""), str(form.get("note") or "")
    try:
        ctx.command(lambda session, actor: attachments.add(
            session=session, actor=actor, store=store_of(ctx.settings), limits=limits_of(ctx.settings),
            task_id=task_id, kind=kind, filename=filename, data=data, note=note))
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        return _task_page(ctx, task_id, status=422, attach_errors={k: say(v) for k, v in exc.fields.items()})
    return redirect(ctx, f"{PREFIX}/tasks/{task_id}?done=attached#attachments")


@router.get("/attachments/{attachment_id}")
def attachment(ctx: Page, attachment_id: AttachmentId) -> Response:
    user = ctx.require_user()
    with ctx.database.read() as session:
        found = attachments.get(session=session, attachment_id=attachment_id)
        require_task_visible(session, user.principal, tasks.get(session=session, task_id=found.task_id))
    return download(store_of(ctx.settings), found)


@router.post("/tasks/{task_id}")
def complete(ctx: Page, task_id: str, form: Posted) -> Response:
    """Validate on the server; on errors the form comes back with them and the typed values."""
    ctx.require_user()
    with ctx.database.read() as session:
        task = tasks.get(session=session, task_id=task_id)
        schema = tasks.form_of(session=session, task=task)
    data = fields.parse(task.form_key, schema, form)
    try:
        ctx.command(lambda session, actor: tasks.complete(session=session, actor=actor, task_id=task_id, data=data))
    except InvalidInput as exc:
        return _task_page(ctx, task_id, values=data, errors=exc.fields or {"": exc.message}, status=422)
    except Conflict as exc:  # done or changed meanwhile: say so, and keep what was typed
        return _task_page(ctx, task_id, values=data, status=409, conflict=Translator(ctx.lang).say(exc.message))
    return redirect(ctx, f"{PREFIX}/tasks?done=task_completed")


def _candidates(ctx: Page) -> list[tuple[str, str]]:
    with ctx.database.read() as session:
        return [(u.username, u.display_name or u.username) for u in seats.list_users(session=session) if u.is_active]


@router.post("/tasks/{task_id}/seat")
def seat_for_task(ctx: Page, task_id: str, form: Posted) -> Response:
    """An administrator seats someone in a seat a task's person field needs and nobody holds."""
    values = {"username": str(form.get("username") or "").strip(), "role": str(form.get("role") or "").strip()}
    try:
        ctx.command(lambda session, actor: seats.seat(session=session, actor=actor, username=values["username"],
                                                      role=values["role"]))
    except (InvalidInput, NotFound, Conflict) as exc:
        say = Translator(ctx.lang).say
        fields_ = {k: say(v) for k, v in exc.fields.items()} or {"username": say(exc.message)}
        return _task_page(ctx, task_id, status=422, seat_errors=fields_)
    return redirect(ctx, f"{PREFIX}/tasks/{task_id}?done=seated#task-form")


@router.post("/tasks/{task_id}/claim")
def claim(ctx: Page, task_id: str, _form: Posted) -> Response:
    ctx.command(lambda session, actor: tasks.claim(session=session, actor=actor, task_id=task_id))
    return redirect(ctx, f"{PREFIX}/tasks?done=task_claimed")


@router.post("/tasks/{task_id}/release")
def release(ctx: Page, task_id: str, _form: Posted) -> Response:
    ctx.command(lambda session, actor: tasks.release(session=session, actor=actor, task_id=task_id))
    return redirect(ctx, f"{PREFIX}/tasks?done=task_released")
