"""Where notifications go. A channel names the targets of a notification (a webhook's URL; the
e-mail addresses of the people it concerns) and sends one message to one target, raising on any
failure so the worker retries. Standard library only: the engine knows nothing of HTTP clients.

The webhook's body is JSON. Its `format` "json" is our own document (event, incident, task, seat,
due time in UTC, and a one-line `text`); "robot" is the `{"msgtype": "text", "text": {"content"}}`
message that WeCom (企业微信) and DingTalk (钉钉) group robots accept.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.messages import NOTIFY_TASK_ASSIGNED, NOTIFY_TASK_CANCELLED, NOTIFY_TASK_ESCALATED, NOTIFY_TASK_OVERDUE
from engine.models import Notification, RoleAssignment, User
from forms.messages import Message, Template

#: What each kind of notification says: a message code, so its Chinese is in the catalog.
NOTICES: dict[str, Template] = {
    "task_assigned": NOTIFY_TASK_ASSIGNED, "task_escalated": NOTIFY_TASK_ESCALATED,
    "task_overdue": NOTIFY_TASK_OVERDUE, "task_cancelled": NOTIFY_TASK_CANCELLED,
}
#: Says a message in the office's language (the doors pass the catalog's Chinese); None: English only.
Say = Callable[[Message], str]


@dataclass(frozen=True)
class Outgoing:
    """One notification as a channel sends it."""

    kind: str
    payload: dict[str, Any]
    say: Say | None = field(default=None, compare=False, repr=False)

    @property
    def message(self) -> Message:
        p = self.payload
        return NOTICES[self.kind](task=str(p.get("task")), task_zh=p.get("task_zh"), incident=str(p.get("incident")),
                                  incident_title=str(p.get("incident_title")))

    @property
    def text(self) -> str:
        """The office's language first (Chinese through the catalog), then English."""
        if self.say is None:
            return f"[Renxing] {self.message}"
        return f"【韧性】{self.say(self.message)} · {self.message}"

    def document(self) -> dict[str, Any]:
        return {"event": self.kind, **self.payload, "text": self.text}


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def targets(self, session: Session, notification: Notification) -> list[str]: ...

    def accepts(self, target: str) -> bool: ...

    def send(self, target: str, message: Outgoing) -> None: ...


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    format: str = "json"
    timeout: float = 10.0
    name: str = "webhook"

    def targets(self, session: Session, notification: Notification) -> list[str]:
        return [self.url]

    def accepts(self, target: str) -> bool:
        return target == self.url

    def send(self, target: str, message: Outgoing) -> None:
        body = ({"msgtype": "text", "text": {"content": message.text}} if self.format == "robot"
                else message.document())
        request = urllib.request.Request(target, data=json.dumps(body, ensure_ascii=False).encode(),
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
            if not 200 <= response.status < 300:
                raise OSError(f"webhook answered {response.status}")


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    name: str = "email"

    def targets(self, session: Session, notification: Notification) -> list[str]:
        """The addresses of the seat's holders (for every incident, or this one) and the named person."""
        holders = select(RoleAssignment.user_id).where(
            RoleAssignment.role == notification.role,
            (RoleAssignment.incident_id.is_(None)) | (RoleAssignment.incident_id == notification.incident_id))
        people = select(User.email).where(User.is_active, User.email.is_not(None),
                                          User.id.in_(holders) | (User.username == notification.username))
        return sorted({str(address) for address in session.scalars(people)})

    def accepts(self, target: str) -> bool:
        return "@" in target

    def send(self, target: str, message: Outgoing) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"] = self.sender, target
        mail["Subject"] = message.text[:200]
        mail.set_content(json.dumps(message.document(), ensure_ascii=False, indent=2))
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(mail)


def channels_from(settings: Settings) -> Sequence[Channel]:
    """The channels a deployment configured (RENXING_NOTIFY_WEBHOOK_URLS, RENXING_SMTP_HOST, …)."""
    found: list[Channel] = [WebhookChannel(url, settings.notify_webhook_format)
                            for url in settings.notify_webhook_urls.split(",") if url.strip()]
    if settings.smtp_host:
        found.append(EmailChannel(settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                                  settings.smtp_username, settings.smtp_password, settings.smtp_starttls))
    return found
