"""Bearer tokens: short-lived HS256 JWTs naming the user, signed with the deployment's key.

Expiry is checked against the *database's* clock rather than PyJWT's wall clock, so the whole
app agrees on what time it is (tests run on a manual clock that may be far from today).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt

from api.errors import Unauthenticated
from api.messages import TOKEN_EXPIRED, TOKEN_NOT_VALID
from engine.config import Settings
from engine.db import Database
from engine.seats import keys

ALGORITHM = "HS256"
AUDIENCE = "renxing"


class SigningKey:
    """The key this process signs and verifies with: `RENXING_SECRET_KEY` when set, else the random
    key kept in the database (generated on first use; see `engine.seats.keys`). The stored key is
    re-read every `refresh_seconds`, so `renxing keys rotate` run anywhere kills old tokens in
    every process within that time."""

    def __init__(self, database: Database, configured: str | None, *, refresh_seconds: float = 2.0) -> None:
        self.database, self.configured, self.refresh_seconds = database, configured, refresh_seconds
        self._cached: tuple[float, str] | None = None
        self._lock = threading.Lock()

    def current(self) -> str:
        if self.configured:
            return self.configured
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self.refresh_seconds:
                with self.database.transaction() as session:
                    self._cached = (time.monotonic(), keys.signing_key(session=session))
            return self._cached[1]


@dataclass(frozen=True)
class TokenClaims:
    username: str
    user_id: int
    expires_at: datetime


def issue(*, settings: Settings, key: str, username: str, user_id: int, now: datetime) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    ttl = settings.token_ttl_seconds
    claims = {
        "sub": username, "uid": user_id, "aud": AUDIENCE,
        "iat": int(now.timestamp()), "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM), ttl


def verify(*, key: str, token: str, now: datetime) -> TokenClaims:
    username, user_id, exp = _verified(key, token)
    if exp <= now.timestamp():
        raise Unauthenticated(TOKEN_EXPIRED)
    return TokenClaims(username=username, user_id=user_id,
                       expires_at=datetime.fromtimestamp(exp, tz=now.tzinfo))


@lru_cache(maxsize=4096)
def _verified(key: str, token: str) -> tuple[str, int, int | float]:
    """The claims of a token signed with `key`: its signature is checked once per process (a client
    sends the same token with every request); its expiry, by the caller, on every use."""
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE,
            options={"verify_exp": False, "verify_iat": False, "require": ["sub", "uid", "exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(TOKEN_NOT_VALID) from exc
    username, user_id, exp = claims.get("sub"), claims.get("uid"), claims.get("exp")
    if not isinstance(username, str) or not isinstance(user_id, int) or not isinstance(exp, int | float):
        raise Unauthenticated(TOKEN_NOT_VALID)
    return username, user_id, exp
