"""The deployment's signing key (bearer tokens, page sessions): never a well-known default.

When `RENXING_SECRET_KEY` is not set, the first process that needs a key generates 32 random
bytes and keeps them in the database (`deployment_secrets`), where every process of the
deployment — `serve` on several hosts, the CLI — reads the same key, and a backup restores it
with the data it protects. `rotate` replaces it: every token and session signed with the old key
stops verifying.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.db import now
from engine.db.upsert import insert_for
from engine.models import DeploymentSecret

SIGNING_KEY = "signing_key"
#: HS256 wants a key at least as long as its hash; shorter keys are refused off loopback.
MIN_KEY_BYTES = 32
#: Keys that appeared in documentation, examples or earlier defaults: refused everywhere.
KNOWN_WEAK_KEYS = frozenset({"change-me-in-production", "changeme", "secret", "secret-key", "renxing"})


def _generated() -> str:
    return secrets.token_urlsafe(MIN_KEY_BYTES)


def signing_key(*, session: Session) -> str:
    """The stored key, generated on first use (two processes racing keep the first one written)."""
    stored = session.get(DeploymentSecret, SIGNING_KEY)
    if stored is not None:
        return stored.value
    session.execute(insert_for(session, DeploymentSecret)
                    .values(name=SIGNING_KEY, value=_generated(), created_at=now(session))
                    .on_conflict_do_nothing(index_elements=["name"]))
    value = session.scalar(select(DeploymentSecret.value).where(DeploymentSecret.name == SIGNING_KEY))
    assert value is not None
    return value


def rotate(*, session: Session, actor: Actor) -> None:
    """A new random key: every token and page session signed with the old one dies (audited)."""
    signing_key(session=session)
    stored = session.get(DeploymentSecret, SIGNING_KEY, with_for_update=True)
    assert stored is not None
    stored.value, stored.created_at = _generated(), now(session)
    audit.record(session=session, actor=actor.username, action="signing_key_rotated")


def weakness(key: str) -> str | None:
    """Why a configured key is unsafe to serve beyond this machine: 'known' or 'short', or None."""
    if key.strip().lower() in KNOWN_WEAK_KEYS:
        return "known"
    if len(key.encode()) < MIN_KEY_BYTES:
        return "short"
    return None
