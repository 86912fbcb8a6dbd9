"""My tasks (the inbox), one task with its form, and claim / release / complete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.pages import fields
from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from api.policies import require_task_visible
from api.routes.attachments import AttachmentId, download, limits_of, store_of
from engine import attachments, incidents, tasks
from engine.errors import InvalidInput
from forms import task_schema

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FLASHES = {"task_completed", "task_claimed", "task_released", "attached"}


@router.get("/")
def home(ctx: Page) -> Response:
    ctx.require_user()
    return redirect(ctx, f"{PREFIX}/tasks")


@router.get("/tasks")
def inbox(ctx: Page, done: str | None = None) -> Response:
    user = ctx.require_user()
    with ctx.database.read() as session:
        found = tasks.inbox(session=session, actor=user.principal.actor)
        by_id = {i: incidents.get(session=session, incident_id=i) for i in {t.incident_id for t in found}}
    now = ctx.database.clock.now()
    rows = [{"task": t, "incident": by_id[t.incident_id], "overdue": t.due_at is not None and t.due_at < now,
             "mine": t.assignee_id == user.user_id} for t in found]
    rows.sort(key=lambda r: not r["overdue"])  # overdue first; the engine already orders by due time
    return render(ctx, "inbox.html", rows=rows, flash=done if done in FLASHES else None)


def _task_page(ctx: Page, task_id: str, values: dict[str, Any] | None = None,
               errors: Mapping[str, str] | None = None, status: int = 200,
               attach_errors: Mapping[str, str] | None = None, flash: str | None = None) -> Response:
    user = ctx.require_user()
    with ctx.database.read() as session:
        task = tasks.get(session=session, task_id=task_id)
        require_task_visible(session, user.principal, task)
        incident = incidents.get(session=session, incident_id=task.incident_id)
        may_act = tasks.may_act_on(session=session, actor=user.principal.actor, task=task) and not user.is_auditor
        files = attachments.list_for(session=session, incident_id=task.incident_id, task_id=task.id)
    schema = task_schema(task.form_key)
    shown = values if values is not None else (task.data or {})
    return render(ctx, "task.html", status=status, task=task, incident=incident, schema=schema,
                  fields=fields.fields_of(schema, shown, errors or {}, ctx.lang),
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
    data = fields.parse(task.form_key, task_schema(task.form_key), form)
    try:
        ctx.command(lambda session, actor: tasks.complete(session=session, actor=actor, task_id=task_id, data=data))
    except InvalidInput as exc:
        return _task_page(ctx, task_id, values=data, errors=exc.fields or {"": exc.message}, status=422)
    return redirect(ctx, f"{PREFIX}/tasks?done=task_completed")


@router.post("/tasks/{task_id}/claim")
def claim(ctx: Page, task_id: str, _form: Posted) -> Response:
    ctx.command(lambda session, actor: tasks.claim(session=session, actor=actor, task_id=task_id))
    return redirect(ctx, f"{PREFIX}/tasks?done=task_claimed")


@router.post("/tasks/{task_id}/release")
def release(ctx: Page, task_id: str, _form: Posted) -> Response:
    ctx.command(lambda session, actor: tasks.release(session=session, actor=actor, task_id=task_id))
    return redirect(ctx, f"{PREFIX}/tasks?done=task_released")
