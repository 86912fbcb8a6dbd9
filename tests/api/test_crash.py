"""Durability under a crash: SIGKILL a real `renxing serve` while several clients complete tasks,
start it again, and check that every completion the server acknowledged is there, that nothing
is half-applied, and that the audit chain verifies — on SQLite, and on PostgreSQL with two serve
processes sharing the database.

Each client owns one incident of a looped task (`long_watch`: a situation report again and again)
and completes its ready task over HTTP until the server dies under it. A command is all or
nothing, so for every incident: each acknowledged completion is a completed row with its own
comment; completed rows, `task_completed` audit events and the incident's version counter agree;
exactly one task is ready; and after the restart the workflow, restored from its rows by a fresh
process, takes one more completion.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from engine import audit, definitions, incidents, seats
from engine.db import Database, migrate
from engine.models import AuditEvent, HumanTask, Incident
from engine.seats.auth import hash_password
from tests.api.served import RENXING, Served, request
from tests.scenario import ADMIN

BUNDLE = Path(__file__).resolve().parents[1] / "fixtures" / "long"
CLIENTS = 6
PASSWORD = "crash-test-password"
#: Kill once this many completions were acknowledged (clients keep sending meanwhile).
ACKNOWLEDGED_BEFORE_KILL = 30


def _prepare(url: str) -> list[str]:
    """A migrated database with a duty officer (password set) and one watch per client."""
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.transaction() as session:
        seats.create_user(session=session, actor=ADMIN, username="crash.duty",
                          password_hash=hash_password(PASSWORD))
        seats.seat(session=session, actor=ADMIN, username="crash.duty", role="duty_officer")
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([BUNDLE]))
        actor = seats.actor_for(seats.get_user(session=session, username="crash.duty"))
    references = []
    for n in range(CLIENTS):
        with db.transaction() as session:
            references.append(incidents.start(session=session, actor=actor, process_id="long_watch",
                                              title=f"Watch {n}", category="natural_disaster",
                                              unit="Grid 3").reference)
    db.dispose()
    return references


def _token(port: int) -> str:
    status, body = request(port, "POST", "/auth/token", urlencode({"username": "crash.duty", "password": PASSWORD}),
                           {"Content-Type": "application/x-www-form-urlencoded"}, timeout=60)
    assert status == 200, body
    return str(json.loads(body)["access_token"])


def _complete_next(port: int, token: str, reference: str, comment: str) -> tuple[str, str]:
    """Complete the incident's ready task: (what went wrong or "", task id). A dead server raises
    OSError or http.client.HTTPException."""
    auth = {"Authorization": f"Bearer {token}"}
    status, body = request(port, "GET", f"/incidents/{reference}", headers=auth, timeout=60)
    if status != 200:
        return f"GET answered {status}: {body[:300]!r}", ""
    ready = json.loads(body)["open_tasks"]
    if len(ready) != 1:
        return f"{len(ready)} ready tasks", ""
    status, body = request(port, "POST", f"/tasks/{ready[0]['id']}/complete",
                           json.dumps({"data": {"verified": False, "comment": comment}}),
                           {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                           timeout=60)
    return ("" if status == 200 else f"completion answered {status}: {body[:300]!r}"), ready[0]["id"]


class _Client(threading.Thread):
    """Completes its incident's task over and over until the server stops answering."""

    def __init__(self, index: int, port: int, token: str, reference: str, acked: list[tuple[str, str, str]],
                 failures: list[str]) -> None:
        super().__init__(daemon=True)
        self.index, self.port, self.token, self.reference = index, port, token, reference
        self.acked, self.failures = acked, failures

    def run(self) -> None:
        n = 0
        while True:
            comment = f"client {self.index} completion {n}"
            try:
                wrong, task_id = _complete_next(self.port, self.token, self.reference, comment)
            except (OSError, http.client.HTTPException):
                return  # the server died under this request (reset, refused, or a cut-off answer)
            if wrong:
                self.failures.append(f"{self.reference}: {wrong}")
                return
            self.acked.append((self.reference, task_id, comment))
            n += 1


def _check(url: str, references: list[str], acked: list[tuple[str, str, str]]) -> None:
    db = Database(url)
    try:
        with db.read() as session:
            for reference in references:
                incident = session.scalars(select(Incident).where(Incident.reference == reference)).one()
                rows = list(session.scalars(select(HumanTask).where(HumanTask.incident_id == incident.id)))
                done = {row.id: row for row in rows if row.state == "completed"}
                for ref, task_id, comment in acked:
                    if ref == reference:
                        assert task_id in done, f"acknowledged completion of {task_id} ({comment}) is lost"
                        assert done[task_id].data["comment"] == comment
                assert [row.state for row in rows if row.state != "completed"] == ["ready"], reference
                events = list(session.scalars(select(AuditEvent).where(
                    AuditEvent.incident_id == incident.id, AuditEvent.action == "task_completed")))
                assert sorted(e.payload["task_id"] for e in events) == sorted(done), reference
                # One version per command: the start, then one per completion — no half command.
                assert incident.version == 1 + len(done), reference
            verified = audit.verify(session=session)
            assert verified.ok, verified.first_break
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")
def test_acknowledged_completions_survive_a_sigkill_of_serve(database_url: str) -> None:
    references = _prepare(database_url)
    processes = 2 if database_url.startswith("postgresql") else 1
    servers = [Served(database_url, extra=("--no-worker",)) for _ in range(processes)]
    acked: list[tuple[str, str, str]] = []
    failures: list[str] = []
    try:
        for server in servers:
            server.wait_until_answering()
        tokens = [_token(server.port) for server in servers]
        clients = [_Client(n, servers[n % processes].port, tokens[n % processes], reference, acked, failures)
                   for n, reference in enumerate(references)]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 240
        while len(acked) < ACKNOWLEDGED_BEFORE_KILL and not failures and time.monotonic() < deadline:
            time.sleep(0.05)
        for server in servers:
            server.kill()
        for client in clients:
            client.join(timeout=90)
    finally:
        for server in servers:
            server.kill()
    assert not failures, failures
    assert len(acked) >= ACKNOWLEDGED_BEFORE_KILL, f"only {len(acked)} completions before the deadline"
    _check(database_url, references, acked)

    # A fresh process restores every workflow from its rows and carries on.
    again = Served(database_url, extra=("--no-worker",))
    try:
        again.wait_until_answering()
        token = _token(again.port)
        for n, reference in enumerate(references):
            wrong, task_id = _complete_next(again.port, token, reference, f"after the restart {n}")
            assert not wrong, wrong
            acked.append((reference, task_id, f"after the restart {n}"))
    finally:
        again.stop()
    _check(database_url, references, acked)
