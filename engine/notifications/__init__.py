"""Outbound notifications: an outbox written in each command's transaction (`outbox`), delivered
after commit by a worker beside the timer worker (`delivery`) through pluggable channels
(`channels`: a generic JSON webhook, which WeCom and DingTalk group robots accept, and e-mail).

Why an outbox: a notification must go out only for what committed, and sending must never hold
or fail a command. So a command records what happened (a row, rolled back with it), and the
worker sends, retries with backoff, and logs — in its own transactions."""

from engine.notifications.channels import Channel, EmailChannel, Outgoing, WebhookChannel, channels_from
from engine.notifications.delivery import deliver_due, note_overdue, run_worker
from engine.notifications.outbox import ASSIGNED, CANCELLED, ESCALATED, OVERDUE, notice, record, write

__all__ = [
    "ASSIGNED",
    "CANCELLED",
    "ESCALATED",
    "OVERDUE",
    "Channel",
    "EmailChannel",
    "Outgoing",
    "WebhookChannel",
    "channels_from",
    "deliver_due",
    "note_overdue",
    "notice",
    "record",
    "run_worker",
    "write",
]
