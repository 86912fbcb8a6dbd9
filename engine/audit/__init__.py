"""The tamper-evident audit log: append events in the command's transaction, verify the chains."""

from engine.audit.chain import (
    GENESIS,
    REQUEST_ID,
    ChainBreak,
    VerifyResult,
    canonical_json,
    chain_of,
    event_hash,
    events,
    record,
    verify,
)

__all__ = [
    "GENESIS",
    "REQUEST_ID",
    "ChainBreak",
    "VerifyResult",
    "canonical_json",
    "chain_of",
    "event_hash",
    "events",
    "record",
    "verify",
]
