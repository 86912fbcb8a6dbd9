"""Photos and files on tasks: upload, list an incident's, download (checked against its hash)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.commands import CommandDep
from api.deps import CurrentUser, SessionDep, SettingsDep
from api.policies import require_task_visible, task_filter
from api.schemas.attachments import AttachmentOut
from api.schemas.common import COMMAND_ERRORS, ERRORS, MAX_ID, TaskId, text
from engine import attachments, incidents, tasks
from engine.config import Settings
from engine.models import Attachment

router = APIRouter(tags=["tasks"])
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def store_of(settings: Settings) -> attachments.LocalStore:
    return attachments.LocalStore(settings.attachments_dir)


def limits_of(settings: Settings) -> attachments.Limits:
    return attachments.Limits(max_bytes=settings.attachment_max_bytes)


def attachment_out(found: Attachment) -> AttachmentOut:
    return AttachmentOut.model_validate({**{c: getattr(found, c) for c in (
        "id", "task_id", "kind", "filename", "content_type", "size", "sha256", "note", "uploaded_by", "uploaded_at")},
        "url": f"/attachments/{found.id}/content"})


def download(store: attachments.LocalStore, found: Attachment) -> Response:
    """The bytes as a download (never rendered inline as a page of this site)."""
    data = attachments.content(store=store, attachment=found)
    return Response(data, media_type=found.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename, safe='')}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.post("/tasks/{task_id}/attachments", response_model=AttachmentOut, status_code=201,
             responses=COMMAND_ERRORS, summary="Attach a photo or file to a task (scene, hazard, damage)")
async def upload(task_id: TaskId, command: CommandDep, settings: SettingsDep,
                 file: Annotated[UploadFile, File(description="JPEG, PNG, WebP, HEIC, PDF or plain text")],
                 kind: Annotated[str, Form()] = "scene",
                 note: Annotated[text(500) | None, Form()] = None) -> AttachmentOut | Response:  # type: ignore[valid-type]
    data = await file.read()
    return await run_in_threadpool(command.run, lambda s, actor: attachment_out(attachments.add(
        session=s, actor=actor, store=store_of(settings), limits=limits_of(settings), task_id=task_id, kind=kind,
        filename=file.filename or "file", data=data, note=note)), {"file": data, "kind": kind.encode()})


@router.get("/incidents/{ref}/attachments", response_model=list[AttachmentOut], responses=ERRORS,
            summary="An incident's attachments (of the tasks you may see)")
def list_attachments(ref: str, principal: CurrentUser, session: SessionDep) -> list[AttachmentOut]:
    incident = incidents.resolve(session=session, ref=ref)
    visible = task_filter(session, principal, incident.id)
    found = attachments.list_for(session=session, incident_id=incident.id)
    return [attachment_out(a) for a in found if visible(tasks.get(session=session, task_id=a.task_id))]


@router.get("/attachments/{attachment_id}/content", responses=ERRORS, response_class=Response,
            summary="Download an attachment (its content is checked against the recorded hash)")
def content(attachment_id: AttachmentId, principal: CurrentUser, session: SessionDep,
            settings: SettingsDep) -> Response:
    found = attachments.get(session=session, attachment_id=attachment_id)
    require_task_visible(session, principal, tasks.get(session=session, task_id=found.task_id))
    return download(store_of(settings), found)
