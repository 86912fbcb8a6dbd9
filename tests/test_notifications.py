"""Notifications leave after the command commits: an outbox row written in the command's
transaction, delivered by the worker to a real webhook receiver and a real SMTP conversation on
loopback, retried when a channel fails, and never sent for a command that rolled back."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func, select

from api.pages.i18n import Translator
from engine import incidents, notifications
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from engine.models import Notification, NotificationDelivery
from engine.notifications import EmailChannel, WebhookChannel
from engine.seats import preferences
from tests.scenario import Scenario

#: The catalog's Chinese, as the worker of `renxing serve` / `renxing worker` passes it.
CHINESE = Translator("zh").say


class Receiver:
    """A webhook on loopback: records each JSON body; answers `failures` 500s first."""

    def __init__(self, failures: int = 0) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.bodies.append(body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def _kinds(db: Database) -> list[tuple[str, str | None]]:
    with db.read() as session:
        return [(n.kind, n.role) for n in session.scalars(select(Notification).order_by(Notification.id))]


def test_the_assignment_reaches_the_webhook_after_commit_and_a_rollback_sends_nothing(
        db: Database, receiver: Receiver) -> None:
    play = Scenario(db)
    channels = [WebhookChannel(receiver.url)]
    with pytest.raises(RuntimeError), db.transaction() as session:
        incidents.start(session=session, actor=play.actors["duty_officer"], process_id="community_incident",
                        title="Rolled back", category="accident_disaster", unit="Grid 1")
        raise RuntimeError("the command fails after the task opened")
    assert notifications.deliver_due(db, channels) == 0 and receiver.bodies == [] and _kinds(db) == []

    incident_id = play.start(title="Gas leak at Block 2")
    assert receiver.bodies == []  # the command itself sends nothing
    assert notifications.deliver_due(db, channels, say=CHINESE) == 1
    [body] = receiver.bodies
    assert body["event"] == "task_assigned" and body["seat"] == "duty_officer"
    assert body["incident"] == play.incident(incident_id).reference and body["incident_title"] == "Gas leak at Block 2"
    assert body["task"] == play.task(incident_id, "record_report").title
    reference = body["incident"]
    assert body["text"] == (f"【韧性】新任务：登记事件首报（{reference} Gas leak at Block 2）"
                            f" · New task: Record the incident report ({reference} Gas leak at Block 2)")
    assert notifications.deliver_due(db, channels) == 0  # delivered once


def test_escalation_overdue_report_and_cancellation(db: Database, clock: ManualClock, receiver: Receiver) -> None:
    play = Scenario(db)
    incident_id = play.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        play.complete(incident_id, element)
    clock.advance(timedelta(minutes=31))
    timers.sweep(db)  # fire_rescue's deadline passed: the commander is asked to decide
    assert ("task_escalated", "commander") in _kinds(db)
    assert notifications.note_overdue(db) == 1 and notifications.note_overdue(db) == 0  # once per task
    with db.transaction() as session:
        incidents.end(session=session, actor=play.actors["commander"], incident_id=incident_id, reason="false alarm")
    kinds = _kinds(db)
    assert ("task_overdue", "fire") in kinds
    assert {role for kind, role in kinds if kind == "task_cancelled"} >= {"fire", "medical", "commander"}
    notifications.deliver_due(db, [WebhookChannel(receiver.url, "robot")], limit=100, say=CHINESE)
    texts = [b["text"]["content"] for b in receiver.bodies]
    assert all(b["msgtype"] == "text" for b in receiver.bodies) and len(texts) == len(kinds)
    assert any(t.startswith("【韧性】升级任务") for t in texts) and any("任务已超时" in t for t in texts)


def test_a_failing_webhook_is_retried_with_backoff_then_given_up(db: Database, clock: ManualClock) -> None:
    play = Scenario(db)
    flaky = Receiver(failures=1)
    try:
        play.start()
        channels = [WebhookChannel(flaky.url)]
        assert notifications.deliver_due(db, channels) == 0 and flaky.bodies == []
        assert notifications.deliver_due(db, channels) == 0  # not due again yet
        clock.advance(timedelta(seconds=31))
        assert notifications.deliver_due(db, channels) == 1 and len(flaky.bodies) == 1
    finally:
        flaky.close()
    with db.read() as session:
        delivery = session.scalars(select(NotificationDelivery)).one()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, None)

    play.start()
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    for _ in range(notifications.delivery.MAX_ATTEMPTS):
        notifications.deliver_due(db, [WebhookChannel(dead, timeout=2)])
        clock.advance(timedelta(hours=1))
    with db.read() as session:
        given_up = session.scalars(select(NotificationDelivery).where(NotificationDelivery.target == dead)).one()
        assert session.scalar(select(func.count()).select_from(NotificationDelivery)) == 2
    assert given_up.status == "failed" and given_up.attempts == notifications.delivery.MAX_ATTEMPTS
    assert "URLError" in (given_up.last_error or "")


class SmtpSink:
    """Just enough SMTP on loopback to accept mail: records (recipients, message text)."""

    def __init__(self) -> None:
        self.mail: list[tuple[list[str], str]] = []
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection, connection.makefile("rb") as lines:
                connection.sendall(b"220 sink\r\n")
                recipients: list[str] = []
                for raw in lines:
                    line = raw.decode().rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb in ("EHLO", "HELO"):
                        connection.sendall(b"250 sink\r\n")
                    elif verb == "RCPT":
                        recipients.append(line.split("<", 1)[1].rstrip(">"))
                        connection.sendall(b"250 ok\r\n")
                    elif verb == "DATA":
                        connection.sendall(b"354 go on\r\n")
                        data = []
                        for body in lines:
                            if body in (b".\r\n", b".\n"):
                                break
                            data.append(body.decode())
                        self.mail.append((recipients, "".join(data)))
                        connection.sendall(b"250 queued\r\n")
                    elif verb == "QUIT":
                        connection.sendall(b"221 bye\r\n")
                        break
                    else:
                        connection.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.socket.close()


def test_email_reaches_the_seat_holders_with_an_address(db: Database) -> None:
    play = Scenario(db)
    with db.transaction() as session:
        preferences.set_email(session=session, actor=play.actors["duty_officer"], email="duty@example.org")
    sink = SmtpSink()
    try:
        play.start(title="Flood at Grid 3")
        assert notifications.deliver_due(db, [EmailChannel("127.0.0.1", sink.port, "renxing@example.org")]) == 1
    finally:
        sink.close()
    [(recipients, text)] = sink.mail
    assert recipients == ["duty@example.org"] and "task_assigned" in text and "Flood at Grid 3" in text


def test_a_wrong_email_address_is_refused(db: Database) -> None:
    play = Scenario(db)
    with pytest.raises(Exception, match="invalid e-mail address") as refused, db.transaction() as session:
        preferences.set_email(session=session, actor=play.actors["duty_officer"], email="not an address")
    assert "email" in refused.value.fields  # type: ignore[attr-defined]
