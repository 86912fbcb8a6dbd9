"""Archive bundles: closed incidents exported whole — the incident, its phases, tasks, decisions,
flags and rulings, its attachments' hashes, and its audit chain with every event's hash — as one
self-contained JSON document that anyone can verify offline, without the database
(`renxing audit verify --bundle FILE`).

What verification proves: each incident's chain is whole from its first event (seq 1, the
genesis hash) to its last, each event's hash matches its content and links to the one before, and
the records beside the chains hash to the digest the bundle names — the digest that the export
also wrote into the live audit log (`incidents_archived`), so a bundle can be matched with the
office's own trail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.audit.chain import HASHED_FIELDS, ChainBreak, VerifyResult, canonical_json, chain_of, walk
from engine.audit.chain import record as record_event
from engine.messages import BUNDLE_RECORDS_ALTERED
from engine.models import (
    Attachment,
    AuditEvent,
    Base,
    Decision,
    DecisionFlag,
    FaultToleranceReview,
    HumanTask,
    Incident,
    PhaseHistory,
)
from forms.vocabulary import CLOSED

FORMAT = "renxing-archive/1"
#: What each incident's record holds, beside its audit chain (attachments: the row with its hash).
RECORDS: tuple[tuple[str, type[Base]], ...] = (
    ("phases", PhaseHistory), ("tasks", HumanTask), ("decisions", Decision), ("flags", DecisionFlag),
    ("rulings", FaultToleranceReview), ("attachments", Attachment),
)


def _row(row: Base, *, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in leave_out}


def _in_order(model: type[Base]) -> list[Any]:
    """The order records happened in: by creation time where a record has one (a task's id is a
    random uuid), then by id."""
    created = model.__table__.columns.get("created_at")
    return [created, model.__table__.c.id] if created is not None else [model.__table__.c.id]


def closed_before(*, session: Session, cutoff: datetime) -> list[int]:
    """The ids of incidents that closed before `cutoff`, oldest first."""
    return list(session.scalars(select(Incident.id).where(Incident.status == CLOSED, Incident.ended_at < cutoff)
                                .order_by(Incident.ended_at)))


def export(*, session: Session, actor: Actor, incident_ids: list[int]) -> dict[str, Any]:
    """The bundle of these incidents; its digest is recorded in the global audit chain."""
    incidents = []
    for incident_id in incident_ids:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        entry: dict[str, Any] = {"incident": _row(incident, leave_out=("workflow_meta",))}
        for name, model in RECORDS:
            rows = session.scalars(select(model).where(model.incident_id == incident_id)  # type: ignore[attr-defined]
                                   .order_by(*_in_order(model)))
            entry[name] = [_row(r) for r in rows]
        entry["audit"] = [_row(e, leave_out=("id",)) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.chain == chain_of(incident_id)).order_by(AuditEvent.seq))]
        incidents.append(entry)
    incidents = json.loads(canonical_json(incidents))  # as the file will hold them: JSON values only
    digest = _digest(incidents)
    record_event(session=session, actor=actor.username, action="incidents_archived",
                 payload={"references": [i["incident"]["reference"] for i in incidents], "digest": digest})
    return {"format": FORMAT, "digest": digest, "incidents": incidents}


def _digest(incidents: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(incidents).encode()).hexdigest()


def verify_bundle(bundle: dict[str, Any]) -> VerifyResult:
    """Verify a bundle offline: every chain whole and unaltered, the records matching the digest."""
    incidents = bundle.get("incidents", [])
    events = 0
    for entry in incidents:
        stored = [AuditEvent(**{name: event.get(name) for name in (*HASHED_FIELDS, "hash")}
                             | {"occurred_at": datetime.fromisoformat(str(event["occurred_at"]))})
                  for event in entry["audit"]]
        count, broken = walk(chain_of(entry["incident"]["id"]), stored, None)
        events += count
        if broken is not None:
            return VerifyResult(False, len(incidents), events, broken)
    if bundle.get("format") != FORMAT or _digest(incidents) != bundle.get("digest"):
        return VerifyResult(False, len(incidents), events, ChainBreak("bundle", 0, None, BUNDLE_RECORDS_ALTERED()))
    return VerifyResult(True, len(incidents), events, None)
