"""Attaching a file to a task: who may (whoever may act on the task), what is accepted (a size
limit, and types recognised by their content, not their name), and the audit event that records
the content's SHA-256 in the incident's hash chain — in the caller's transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, tasks
from engine.actors import Actor
from engine.attachments.store import LocalStore
from engine.db import now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.messages import (
    ATTACHMENT_CHANGED,
    ATTACHMENT_EMPTY,
    ATTACHMENT_INVALID,
    ATTACHMENT_NOT_FOUND,
    ATTACHMENT_TOO_BIG,
    ATTACHMENT_WRONG_KIND,
    ATTACHMENT_WRONG_TYPE,
    TASK_SEAT_NOT_HELD,
)
from engine.models import Attachment

KINDS = ("scene", "hazard", "damage", "other")
#: What a file's first bytes say it is: (offset, signature, content type).
_SIGNATURES = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (8, b"WEBP", "image/webp"),
    (4, b"ftypheic", "image/heic"),
    (4, b"ftypheix", "image/heic"),
    (4, b"ftypmif1", "image/heic"),
    (0, b"%PDF-", "application/pdf"),
)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024


def _content_type(data: bytes) -> str | None:
    for offset, signature, kind in _SIGNATURES:
        if data[offset:offset + len(signature)] == signature and (kind != "image/webp" or data[:4] == b"RIFF"):
            return kind
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


def _clean_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name or "file"


def add(*, session: Session, actor: Actor, store: LocalStore, limits: Limits, task_id: str, kind: str,
        filename: str, data: bytes, note: str | None = None) -> Attachment:
    """Attach `data` to a task: refused with the field named when too big, empty or of a type not
    accepted; written to the store, recorded with its hash in the audit trail."""
    task = tasks.get(session=session, task_id=task_id)
    if not tasks.may_act_on(session=session, actor=actor, task=task):
        raise Forbidden(TASK_SEAT_NOT_HELD, task=task.title, task_zh=task.title_zh, role=task.role)
    if kind not in KINDS:
        raise InvalidInput(ATTACHMENT_INVALID, fields={"kind": ATTACHMENT_WRONG_KIND()})
    if not data:
        raise InvalidInput(ATTACHMENT_INVALID, fields={"file": ATTACHMENT_EMPTY()})
    if len(data) > limits.max_bytes:
        raise InvalidInput(ATTACHMENT_INVALID,
                           fields={"file": ATTACHMENT_TOO_BIG(size=len(data), limit=limits.max_bytes)})
    content_type = _content_type(data)
    if content_type is None:
        raise InvalidInput(ATTACHMENT_INVALID, fields={"file": ATTACHMENT_WRONG_TYPE()})
    digest = hashlib.sha256(data).hexdigest()
    store.put(digest, data)
    attachment = Attachment(incident_id=task.incident_id, task_id=task.id, kind=kind, filename=_clean_name(filename),
                            content_type=content_type, size=len(data), sha256=digest,
                            note=(note or "").strip()[:500] or None, uploaded_by=actor.username,
                            uploaded_at=now(session))
    session.add(attachment)
    session.flush()
    audit.record(session=session, actor=actor.username, action="attachment_added", incident_id=task.incident_id,
                 payload={"attachment": attachment.id, "task": task.title, "task_zh": task.title_zh, "task_id": task.id,
                          "kind": kind,
                          "filename": attachment.filename, "content_type": content_type, "size": len(data),
                          "sha256": digest})
    return attachment


def get(*, session: Session, attachment_id: int) -> Attachment:
    found = session.get(Attachment, attachment_id)
    if found is None:
        raise NotFound(ATTACHMENT_NOT_FOUND, attachment=attachment_id)
    return found


def list_for(*, session: Session, incident_id: int, task_id: str | None = None) -> list[Attachment]:
    query = select(Attachment).where(Attachment.incident_id == incident_id)
    if task_id is not None:
        query = query.where(Attachment.task_id == task_id)
    return list(session.scalars(query.order_by(Attachment.uploaded_at, Attachment.id)))


def content(*, store: LocalStore, attachment: Attachment) -> bytes:
    """The stored bytes, checked against the recorded hash (a changed file is refused)."""
    data = store.read(attachment.sha256)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise NotFound(ATTACHMENT_CHANGED, attachment=attachment.id)
    return data
