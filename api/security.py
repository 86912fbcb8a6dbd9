"""Bearer tokens: short-lived HS256 JWTs naming the user.

Expiry is checked against the *database's* clock rather than PyJWT's wall clock, so the whole
app agrees on what time it is (tests run on a manual clock that may be far from today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from api.errors import Unauthenticated
from api.messages import TOKEN_EXPIRED, TOKEN_NOT_VALID
from engine.config import Settings

ALGORITHM = "HS256"
AUDIENCE = "renxing"


@dataclass(frozen=True)
class TokenClaims:
    username: str
    user_id: int
    expires_at: datetime


def issue(*, settings: Settings, username: str, user_id: int, now: datetime) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    ttl = settings.token_ttl_seconds
    claims = {
        "sub": username, "uid": user_id, "aud": AUDIENCE,
        "iat": int(now.timestamp()), "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), ttl


def verify(*, settings: Settings, token: str, now: datetime) -> TokenClaims:
    try:
        claims = jwt.decode(
            token, settings.secret_key, algorithms=[ALGORITHM], audience=AUDIENCE,
            options={"verify_exp": False, "verify_iat": False, "require": ["sub", "uid", "exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(TOKEN_NOT_VALID) from exc
    username, user_id, exp = claims.get("sub"), claims.get("uid"), claims.get("exp")
    if not isinstance(username, str) or not isinstance(user_id, int) or not isinstance(exp, int | float):
        raise Unauthenticated(TOKEN_NOT_VALID)
    if exp <= now.timestamp():
        raise Unauthenticated(TOKEN_EXPIRED)
    return TokenClaims(username=username, user_id=user_id,
                       expires_at=datetime.fromtimestamp(exp, tz=now.tzinfo))
