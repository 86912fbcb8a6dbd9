"""Passwords and logins: argon2 hashes, and an account lock after repeated failures.

Why here and not in api/: the CLI (`renxing users add`) hashes passwords too, and the lock is
a rule about users, not about HTTP. Why this shape: a failed login must be *counted* even though
the login fails, so `login()` commits the counter in its own unit of work and raises afterwards;
the slow argon2 check runs outside any write transaction so it never holds SQLite's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update

from engine import audit
from engine.db import Database
from engine.errors import InvalidInput, RenxingError
from engine.messages import LOGIN_FAILED, LOGIN_LOCKED, PASSWORD_TOO_LONG, PASSWORD_TOO_SHORT
from engine.models import User
from forms.messages import FIELD_AT_LEAST_CHARACTERS, FIELD_AT_MOST_CHARACTERS

__all__ = [
    "LOCK_AFTER",
    "LOCK_FOR",
    "AccountLocked",
    "AuthenticationFailed",
    "LoginResult",
    "check_password_rules",
    "hash_password",
    "login",
    "verify_password",
]

#: Consecutive failed logins that lock an account, and for how long.
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so an unknown name costs as much as a wrong
    password. Made on first use: hashing is slow on purpose, and every process imports this module."""
    return _hasher.hash("renxing-no-such-user")


class AuthenticationFailed(RenxingError):
    """Wrong username or password (deliberately not saying which)."""

    code = "authentication_failed"


class AccountLocked(AuthenticationFailed):
    """Too many failed logins; `locked_until` says when the next attempt is allowed."""

    code = "account_locked"

    def __init__(self, *, locked_until: datetime, retry_after: float) -> None:
        super().__init__(LOGIN_LOCKED, attempts=LOCK_AFTER, until=locked_until.isoformat(timespec="seconds"))
        self.locked_until = locked_until
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginResult:
    user_id: int
    username: str
    is_admin: bool


def check_password_rules(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(PASSWORD_TOO_SHORT,
                           fields={"password": FIELD_AT_LEAST_CHARACTERS(limit=MIN_PASSWORD_LENGTH)})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(PASSWORD_TOO_LONG, fields={"password": FIELD_AT_MOST_CHARACTERS(limit=MAX_PASSWORD_LENGTH)})


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def login(db: Database, *, username: str, password: str) -> LoginResult:
    """Check a password; count failures and lock the account after `LOCK_AFTER` of them."""
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        snapshot = None if user is None else (user.id, user.password_hash, user.is_active,
                                                 user.locked_until, user.failed_logins, user.is_admin)
    moment = db.clock.now()
    if snapshot is None:
        verify_password(None, password)  # same cost as a real check
        raise AuthenticationFailed(LOGIN_FAILED)
    user_id, password_hash, active, locked_until, failed, is_admin = snapshot
    if locked_until is not None and locked_until > moment:
        raise AccountLocked(locked_until=locked_until, retry_after=(locked_until - moment).total_seconds())
    ok = verify_password(password_hash, password) and active
    if ok:
        if failed or locked_until is not None or _hasher.check_needs_rehash(password_hash or ""):
            with db.transaction() as session:
                values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
                if _hasher.check_needs_rehash(password_hash or ""):
                    values["password_hash"] = _hasher.hash(password)
                session.execute(update(User).where(User.id == user_id).values(**values))
        return LoginResult(user_id=user_id, username=username, is_admin=is_admin)
    until = _count_failure(db, user_id, username, moment)
    if until is not None:
        raise AccountLocked(locked_until=until, retry_after=LOCK_FOR.total_seconds())
    raise AuthenticationFailed(LOGIN_FAILED)


def _count_failure(db: Database, user_id: int, username: str, moment: datetime) -> datetime | None:
    """Add one failure (atomically, so concurrent guesses all count); lock at the threshold."""
    with db.transaction() as session:
        session.execute(update(User).where(User.id == user_id)
                        .values(failed_logins=User.failed_logins + 1))
        failures = session.scalar(select(User.failed_logins).where(User.id == user_id)) or 0
        if failures < LOCK_AFTER:
            return None
        until = moment + LOCK_FOR
        session.execute(update(User).where(User.id == user_id)
                        .values(failed_logins=0, locked_until=until))
        audit.record(session=session, actor="system:auth", action="account_locked",
                     payload={"username": username, "failures": failures,
                              "locked_until": until.isoformat()})
    return until
