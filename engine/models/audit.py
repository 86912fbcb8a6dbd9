"""The append-only, hash-chained audit log. Database triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
        Index("ix_audit_events_incident", "incident_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "incident:<id>" for an incident's events, "global" for everything else. One chain per
    #: incident keeps commands on different incidents from queueing on one chain head.
    chain: Mapped[str] = mapped_column(String(48))
    seq: Mapped[int]
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]]
    occurred_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: The HTTP request that wrote the event (its X-Request-ID, also in the log lines); hashed
    #: when present, so it is as tamper-evident as the rest. Null for the CLI and the workers.
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)


class AuditChainHead(Base):
    """The last link of the global chain; locking its row serialises appends to it. (An incident's
    chain ends in the incident's own row: `Incident.audit_seq` and `audit_hash`.)"""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(48), primary_key=True)
    audit_seq: Mapped[int] = mapped_column("seq")
    audit_hash: Mapped[str] = mapped_column("hash", String(64))


class IdempotentCommand(Base):
    """The first result of a command sent with an idempotency key, returned to any retry."""

    __tablename__ = "idempotent_commands"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
