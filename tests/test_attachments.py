"""Attachments on tasks through the engine: accepted by content, refused with the field named, kept
on disk by hash, and recorded in the incident's audit chain with that hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import attachments
from engine.audit import verify
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent
from tests.scenario import Scenario

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMITS = attachments.Limits(max_bytes=1024)


def test_a_photo_is_stored_by_hash_and_recorded_in_the_trail(db: Database, tmp_path: Path) -> None:
    play = Scenario(db)
    incident_id = play.start()
    task = play.task(incident_id, "record_report")
    store = attachments.LocalStore(tmp_path / "files")
    with db.transaction() as session:
        added = attachments.add(session=session, actor=play.actors["duty_officer"], store=store, limits=LIMITS,
                                task_id=task.id, kind="scene", filename="C:\\phone\\现场.png", data=PNG)
    digest = hashlib.sha256(PNG).hexdigest()
    assert (added.filename, added.content_type, added.size, added.sha256) == ("现场.png", "image/png", len(PNG), digest)
    assert (tmp_path / "files" / digest[:2] / digest).read_bytes() == PNG
    with db.read() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment_added")).all()
        assert event.incident_id == incident_id and event.payload["sha256"] == digest
        assert verify(session=session).ok
        [listed] = attachments.list_for(session=session, incident_id=incident_id)
        assert attachments.content(store=store, attachment=listed) == PNG


@pytest.mark.parametrize(("data", "kind", "field"), [
    (b"MZ\x90\x00" + b"\xff" * 10, "scene", "file"),  # a program, whatever its name says
    (b"", "scene", "file"),
    (PNG * 40, "scene", "file"),  # over the limit
    (PNG, "selfie", "kind"),
])
def test_wrong_files_are_refused_naming_the_field(db: Database, tmp_path: Path, data: bytes, kind: str,
                                                  field: str) -> None:
    play = Scenario(db)
    task = play.task(play.start(), "record_report")
    with pytest.raises(InvalidInput) as refused, db.transaction() as session:
        attachments.add(session=session, actor=play.actors["duty_officer"], store=attachments.LocalStore(tmp_path),
                        limits=LIMITS, task_id=task.id, kind=kind, filename="x.exe", data=data)
    assert field in refused.value.fields


def test_only_who_may_act_on_the_task_attaches(db: Database, tmp_path: Path) -> None:
    play = Scenario(db)
    task = play.task(play.start(), "record_report")
    with pytest.raises(Forbidden), db.transaction() as session:
        attachments.add(session=session, actor=play.actors["outsider"], store=attachments.LocalStore(tmp_path),
                        limits=LIMITS, task_id=task.id, kind="scene", filename="a.png", data=PNG)
    store = attachments.LocalStore(tmp_path)
    with db.transaction() as session:
        attachments.add(session=session, actor=play.actors["duty_officer"], store=store, limits=LIMITS,
                        task_id=task.id, kind="damage", filename="a.txt", data="受损 3 户".encode())
    with db.read() as session:
        [added] = attachments.list_for(session=session, incident_id=task.incident_id)
    store.path(added.sha256).write_bytes(b"changed on disk")
    with pytest.raises(Exception, match="no longer matches"):
        attachments.content(store=store, attachment=added)
