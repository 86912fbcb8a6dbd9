"""The hash chains: append in the command's transaction, verify by walking chains.

Each event stores the previous event's hash and its own hash over canonical JSON of its content,
so changing, removing or re-ordering any row breaks the chain from that row on. One chain per
incident (plus a "global" chain) lets commands on different incidents append in parallel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from engine.db import now, prepared
from engine.db.locking import hold_incident, lock_for_update
from engine.db.upsert import insert_for
from engine.messages import AUDIT_END_REMOVED, AUDIT_EVENTS_MISSING, AUDIT_PREVIOUS_HASH, AUDIT_ROW_ALTERED
from engine.models import AuditChainHead, AuditEvent, Incident
from forms.messages import Message

GENESIS = "0" * 64
HASHED_FIELDS = ("chain", "seq", "incident_id", "actor", "action", "payload", "occurred_at", "prev_hash",
                 "request_id")
GLOBAL_CHAIN = "global"
_DEFERRED = "audit_deferred_heads"
_INSERT_EVENTS = insert(cast(Table, AuditEvent.__table__))
#: The request being served (set by the HTTP door for each request); every event it records carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("renxing_request_id", default=None)


def chain_of(incident_id: int | None) -> str:
    return GLOBAL_CHAIN if incident_id is None else f"incident:{incident_id}"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *,
    chain: str,
    seq: int,
    incident_id: int | None,
    actor: str,
    action: str,
    payload: dict[str, Any],
    occurred_at: datetime,
    prev_hash: str,
    request_id: str | None = None,
) -> str:
    body: dict[str, Any] = {
        "chain": chain,
        "seq": seq,
        "incident_id": incident_id,
        "actor": actor,
        "action": action,
        "payload": payload,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "prev_hash": prev_hash,
    }
    if request_id is not None:  # events written before request ids existed hash as they always did
        body["request_id"] = request_id
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    incident_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one event to its chain, inside the caller's transaction. Inside a command (the
    incident's head deferred) the event waits with the head and is written by `write_head`, with
    the command's other events, in one Core INSERT; elsewhere the ORM flushes it."""
    chain = chain_of(incident_id)
    clean_payload = json.loads(canonical_json(payload or {}))
    deferred = _deferred(session, incident_id) if incident_id is not None else None
    head = deferred or _head(session, incident_id)
    fields: dict[str, Any] = {
        "chain": chain, "seq": head.audit_seq + 1, "incident_id": incident_id, "actor": actor, "action": action,
        "payload": clean_payload, "occurred_at": now(session), "prev_hash": head.audit_hash,
        "request_id": REQUEST_ID.get(),
    }
    digest = event_hash(**fields)
    if deferred is not None:
        deferred.pending.append({**fields, "hash": digest})
    else:
        session.add(AuditEvent(**fields, hash=digest))  # the events of a flush: one INSERT
    head.audit_seq, head.audit_hash = fields["seq"], digest


@dataclass
class _DeferredHead:
    audit_seq: int
    audit_hash: str
    #: The (sub)transaction that deferred it: rolled back, the events it covered are gone with it.
    transaction: SessionTransaction
    #: Events appended since, not yet written.
    pending: list[dict[str, Any]] = field(default_factory=list)


def defer_head(session: Session, incident: Incident) -> None:
    """A command holding `incident` locked appends to its chain without touching the row until
    `write_head`, so the row is written once, by the command's one UPDATE, and not again by each
    flush in between."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None  # the incident was just locked in it
    session.info.setdefault(_DEFERRED, {})[incident.id] = _DeferredHead(
        incident.audit_seq, incident.audit_hash, transaction)


def _deferred(session: Session, incident_id: int, *, take: bool = False) -> _DeferredHead | None:
    """The deferred end of the incident's chain, unless the transaction that deferred it ended."""
    heads = session.info.get(_DEFERRED, {})
    head = heads.pop(incident_id, None) if take else heads.get(incident_id)
    if head is not None and not head.transaction.is_active:
        heads.pop(incident_id, None)
        return None
    return head


def write_head(session: Session, incident: Incident) -> None:
    """Write the events appended since `defer_head` and put the chain's end on the incident row
    (nothing to do without `defer_head`)."""
    head = _deferred(session, incident.id, take=True)
    if head is not None:
        _write_pending(session, [head])
        incident.audit_seq, incident.audit_hash = head.audit_seq, head.audit_hash


def _write_pending(session: Session, heads: list[_DeferredHead] | None = None) -> None:
    """Write the events still waiting with their deferred heads (all of them by default: before
    the chains are read)."""
    if heads is None:
        heads = [head for head in session.info.get(_DEFERRED, {}).values() if head.transaction.is_active]
    rows = [event for head in heads for event in head.pending]
    if rows:
        prepared.execute(session.connection(), _INSERT_EVENTS, rows)
        for head in heads:
            head.pending.clear()


class _Head(Protocol):
    """Where a chain ends: the global chain's head row, or an incident's own row."""

    audit_seq: int
    audit_hash: str


class Head(NamedTuple):
    audit_seq: int
    audit_hash: str


def _head(session: Session, incident_id: int | None) -> _Head:
    """Where the chain ends: the global head row, or the incident's row (held by this transaction,
    or locked now), or — inside a command — the end it deferred writing."""
    if incident_id is None:
        return _global_head(session)
    return _deferred(session, incident_id) or hold_incident(session, incident_id)


def _global_head(session: Session) -> AuditChainHead:
    head = lock_for_update(session, select(AuditChainHead).where(AuditChainHead.chain == GLOBAL_CHAIN))
    if head is None:
        # Two first appends may race: create the head idempotently, then lock it.
        session.execute(insert_for(session, AuditChainHead.__table__).values(chain=GLOBAL_CHAIN, seq=0, hash=GENESIS)
                        .on_conflict_do_nothing(index_elements=["chain"]))
        head = lock_for_update(session, select(AuditChainHead).where(AuditChainHead.chain == GLOBAL_CHAIN))
        assert head is not None
    return head


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: int | None
    reason: Message


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    chains: int
    events: int
    first_break: ChainBreak | None


def _walk(session: Session, chain: str, head: Head | None) -> tuple[int, ChainBreak | None]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    ).yield_per(1000)
    return walk(chain, events, head)


def walk(chain: str, events: Iterable[AuditEvent], head: Head | None) -> tuple[int, ChainBreak | None]:
    """Check one chain's events in seq order (rows, or events read back from an archive bundle):
    how many were read, and the first break."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for event in events:
        count += 1
        reason: Message | None = None
        if event.chain != chain:
            reason = AUDIT_PREVIOUS_HASH()
        elif event.seq != expected_seq:
            reason = AUDIT_EVENTS_MISSING(expected=expected_seq, found=event.seq)
        elif event.prev_hash != expected_prev:
            reason = AUDIT_PREVIOUS_HASH()
        elif event.hash != event_hash(**{name: getattr(event, name) for name in HASHED_FIELDS}):
            reason = AUDIT_ROW_ALTERED()
        if reason:
            return count, ChainBreak(chain, event.seq, event.id, reason)
        expected_prev, expected_seq = event.hash, event.seq + 1
    if head is not None and (head.audit_seq != expected_seq - 1 or head.audit_hash != expected_prev):
        return count, ChainBreak(chain, expected_seq, None,
                                 AUDIT_END_REMOVED(last=expected_seq - 1, head=head.audit_seq))
    return count, None


def verify(*, session: Session, incident_id: int | None = None, all_chains: bool = True) -> VerifyResult:
    """Walk the chains (one incident's, or all) and name the first broken event."""
    _write_pending(session)
    heads = {h.chain: Head(h.audit_seq, h.audit_hash) for h in session.scalars(select(AuditChainHead))}
    heads |= {chain_of(i): Head(seq, digest) for i, seq, digest in session.execute(
        select(Incident.id, Incident.audit_seq, Incident.audit_hash).where(Incident.audit_seq > 0))}
    if incident_id is not None and not all_chains:
        chains = [chain_of(incident_id)]
    else:
        stored = set(session.scalars(select(AuditEvent.chain).distinct()))
        chains = sorted(stored | set(heads))
    total = 0
    for chain in chains:
        count, broken = _walk(session, chain, heads.get(chain))
        total += count
        if broken:
            return VerifyResult(False, len(chains), total, broken)
    return VerifyResult(True, len(chains), total, None)


def events(
    *,
    session: Session,
    incident_id: int | None = None,
    action: str | None = None,
    actor: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> Iterator[AuditEvent]:
    """Events in append order, filtered; streams (yield_per) so exports stay flat in memory."""
    _write_pending(session)
    query = select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    if incident_id is not None:
        query = query.where(AuditEvent.incident_id == incident_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if limit is not None:
        query = query.limit(limit)
    yield from session.scalars(query).yield_per(500)
