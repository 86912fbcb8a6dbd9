"""The tamper-evident audit log: append events in the command's transaction, verify the chains;
archive bundles of closed incidents, verified offline."""

from engine.audit import bundle
from engine.audit.chain import (
    GENESIS,
    REQUEST_ID,
    ChainBreak,
    VerifyResult,
    canonical_json,
    chain_of,
    defer_head,
    event_hash,
    events,
    record,
    verify,
    write_head,
)

__all__ = [
    "GENESIS",
    "REQUEST_ID",
    "ChainBreak",
    "bundle",
    "VerifyResult",
    "canonical_json",
    "chain_of",
    "defer_head",
    "event_hash",
    "events",
    "record",
    "verify",
    "write_head",
]
