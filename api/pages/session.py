"""Who is looking at a page: a signed session cookie, its CSRF token, and the page language.

Why a cookie we sign ourselves (HMAC-SHA256 over the deployment's signing key, stdlib only): the pages
need a session that survives a browser's navigation without a bearer header, and the app already
owns one secret. Every visitor gets a session — anonymous ones too — so the sign-in form carries
a CSRF token like every other form; signing in rotates the token. The cookie is HttpOnly,
SameSite=Lax, and Secure when the page is served over https. Expiry is checked against the
database's clock, like the API's tokens, so the whole app agrees on the time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from starlette.datastructures import FormData

from api import commands
from api.deps import Principal
from api.messages import CSRF_REFUSED, SIGN_IN_FIRST
from engine import seats
from engine.config import Settings, time_zone
from engine.db import Database
from engine.errors import Forbidden, RenxingError
from engine.models import User
from forms.i18n import DEFAULT as DEFAULT_LANGUAGE
from forms.i18n import lang_of
from forms.vocabulary import AUDITOR, LANGUAGES, START_ROLES

T = TypeVar("T")
SESSION_COOKIE = "renxing_session"
LANG_COOKIE = "renxing_lang"
SESSION_TTL = 12 * 3600
CSRF_FIELD = "csrf_token"


class SignInRequired(RenxingError):
    """No signed-in user: the page answers with a redirect to the sign-in page."""

    code = "unauthenticated"


class CsrfRefused(Forbidden):
    code = "csrf"


@dataclass(frozen=True)
class PageUser:
    user_id: int
    username: str
    display_name: str
    is_admin: bool
    #: The language they chose; None: not chosen yet (the browser's applies).
    language: str | None
    global_roles: frozenset[str]
    #: (role, incident id) of each seat held for one incident.
    incident_seats: frozenset[tuple[str, int]]
    #: Their own IANA zone; None: the deployment's.
    time_zone: str | None = None

    @property
    def principal(self) -> Principal:
        """The API's view of the same person, so pages reuse the API's read policies."""
        return Principal(user_id=self.user_id, username=self.username, display_name=self.display_name,
                         is_admin=self.is_admin, global_roles=self.global_roles,
                         incident_seats=self.incident_seats)

    @property
    def is_auditor(self) -> bool:
        return AUDITOR in self.global_roles

    @property
    def may_report(self) -> bool:
        """May report (start) an incident: duty officers, commanders, administrators."""
        return not self.is_auditor and (self.is_admin or bool(self.global_roles & START_ROLES))


@dataclass
class PageContext:
    request: Request
    database: Database
    settings: Settings
    user: PageUser | None
    csrf: str
    lang: str
    #: Set when the cookie must be (re)written on the response.
    dirty: bool = False
    issued: int = 0
    extra_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The zone this person reads times in: their own, else the deployment's."""
        name = self.user.time_zone if self.user is not None and self.user.time_zone else self.settings.time_zone
        try:
            return time_zone(name)
        except ValueError:  # a zone removed from the system's database since it was chosen
            return time_zone(self.settings.time_zone)

    def require_user(self) -> PageUser:
        if self.user is None:
            raise SignInRequired(SIGN_IN_FIRST)
        return self.user

    def command(self, action: commands.Action[T], *, own_settings: bool = False) -> T:
        """Run a command as the signed-in user through the one door (`api.commands.run`)."""
        return commands.run(self.database, self.require_user().principal, action, own_settings=own_settings)

    def sign_in(self, user_id: int, language: str) -> None:
        self.user = self._load(user_id)
        self.csrf = secrets.token_urlsafe(24)
        self.issued = int(self.database.clock.now().timestamp())
        self.dirty = True
        self.set_language(language)

    def sign_out(self) -> None:
        self.user, self.csrf, self.dirty = None, secrets.token_urlsafe(24), True

    def set_language(self, language: str) -> None:
        self.lang = lang_of(language)
        self.extra_cookies[LANG_COOKIE] = self.lang

    def _load(self, user_id: int) -> PageUser | None:
        with self.database.read() as session:
            user = session.get(User, user_id)
            if user is None or not user.is_active:
                return None
            held = seats.seats_held(session=session, user_id=user.id)
            return PageUser(user.id, user.username, user.display_name, user.is_admin,
                            lang_of(user.language) if user.language else None,
                            frozenset(role for role, where in held if where is None),
                            frozenset((role, where) for role, where in held if where is not None), user.time_zone)

    def write_cookies(self, response: Response) -> Response:
        secure = self.request.url.scheme == "https"
        if self.dirty:
            claims = {"u": self.user.user_id if self.user else None, "c": self.csrf,
                      "t": self.issued or int(self.database.clock.now().timestamp())}
            value = encode(self.request.app.state.signing_key.current(), claims)
            response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_TTL, httponly=True, samesite="lax",
                                secure=secure, path="/")
        for name, value in self.extra_cookies.items():
            response.set_cookie(name, value, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                                secure=secure, path="/")
        return response

    def check_csrf(self, form: FormData) -> None:
        sent = form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), self.csrf.encode()):
            raise CsrfRefused(CSRF_REFUSED)


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"renxing-pages-session\0" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(secret: str, claims: dict[str, Any]) -> str:
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(_key(secret), body.encode(), hashlib.sha256).digest())


def decode(secret: str, value: str | None) -> dict[str, Any] | None:
    if not value or value.count(".") != 1 or len(value) > 4096:
        return None
    body, signature = value.split(".")
    expected = _b64(hmac.new(_key(secret), body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    try:
        claims = json.loads(_unb64(body))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def browser_language(header: str | None) -> str:
    """The language of the pages that the browser prefers most (`Accept-Language`, by q-value):
    `zh-CN,zh;q=0.9,en;q=0.8` is zh, `en-US,en;q=0.9,zh;q=0.5` is en; English when none is ours."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for position, part in enumerate((header or "").lower().split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= position / 1000  # equal weights: the first one listed wins
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best


def page_context(request: Request) -> PageContext:
    """The request's session (created when missing or expired), its user and its language."""
    existing = getattr(request.state, "page", None)
    if isinstance(existing, PageContext):
        return existing
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    claims = decode(request.app.state.signing_key.current(), request.cookies.get(SESSION_COOKIE))
    now = database.clock.now().timestamp()
    fresh = claims is None or not isinstance(claims.get("c"), str) or not isinstance(claims.get("t"), int) \
        or not (now - SESSION_TTL < claims["t"] <= now + 300)
    if fresh:
        claims = {"u": None, "c": secrets.token_urlsafe(24), "t": int(now)}
    assert claims is not None
    ctx = PageContext(request, database, settings, None, claims["c"], "en", dirty=fresh, issued=claims["t"])
    if isinstance(claims.get("u"), int):
        ctx.user = ctx._load(claims["u"])
    cookie_lang = request.cookies.get(LANG_COOKIE)
    ctx.lang = (cookie_lang if cookie_lang in LANGUAGES
                else ctx.user.language if ctx.user and ctx.user.language
                else browser_language(request.headers.get("accept-language")))
    request.state.page = ctx
    return ctx
