"""Archiving closed incidents: `renxing archive export` writes a self-contained bundle (records,
attachments' hashes, audit chains with their hashes) whose digest joins the live audit log, and
`renxing audit verify --bundle` checks it offline — naming what was altered when it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.db import Database
from engine.models import AuditEvent
from tests.api.served import RENXING
from tests.ops.office import complete_watch, prepare
from tests.ops.process import environment, renxing

pytestmark = pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")


def _verify(path: Path) -> tuple[int, str]:
    result = renxing("audit", "verify", "--bundle", str(path), env=environment())
    return result.returncode, result.stdout + result.stderr


def test_closed_incidents_archive_to_a_bundle_verified_offline(database_url: str, tmp_path: Path) -> None:
    closed, still_open = prepare(database_url, watches=2)
    db = Database(database_url)
    complete_watch(db, closed, "all clear", verified=True)
    complete_watch(db, closed, "watch closed")
    env = environment(RENXING_DATABASE_URL=database_url)
    bundle = tmp_path / "archive.json"
    exported = renxing("archive", "export", str(bundle), "--older-than-days", "0", env=env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(bundle.read_text())
    assert [i["incident"]["reference"] for i in document["incidents"]] == [closed]  # the open one stays
    entry = document["incidents"][0]
    assert [t["task_spec"] for t in entry["tasks"]] == ["situation_report", "close_watch"]
    assert entry["audit"][0]["seq"] == 1 and all(len(e["hash"]) == 64 for e in entry["audit"])
    with db.read() as session:
        archived = session.scalars(select(AuditEvent).where(AuditEvent.action == "incidents_archived")).one()
        assert archived.payload == {"references": [closed], "digest": document["digest"]}
    db.dispose()
    assert renxing("archive", "export", str(bundle), env=env).returncode == 1  # never overwritten

    code, said = _verify(bundle)
    assert code == 0 and "intact" in said, said

    altered = json.loads(bundle.read_text())
    altered["incidents"][0]["audit"][1]["payload"]["comment"] = "nothing happened"
    (tmp_path / "altered.json").write_text(json.dumps(altered))
    code, said = _verify(tmp_path / "altered.json")
    assert code == 1 and "altered" in said and "event #2" in said, said

    removed = json.loads(bundle.read_text())
    del removed["incidents"][0]["audit"][1]
    (tmp_path / "removed.json").write_text(json.dumps(removed))
    code, said = _verify(tmp_path / "removed.json")
    assert code == 1 and "events missing" in said, said

    record = json.loads(bundle.read_text())
    record["incidents"][0]["tasks"][0]["completed_by"] = "someone.else"
    (tmp_path / "record.json").write_text(json.dumps(record))
    code, said = _verify(tmp_path / "record.json")
    assert code == 1 and "do not match its digest" in said, said

    (tmp_path / "junk.json").write_text("{not json")
    assert _verify(tmp_path / "junk.json")[0] == 2
