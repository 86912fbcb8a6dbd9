"""Sign in, sign out, the language switch, and one's own settings (language, time zone) — the
same password check and lockout as the API."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import available_timezones

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.pages import times
from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render, safe_next
from engine import seats
from engine.actors import Actor
from engine.errors import InvalidInput
from engine.seats import auth, preferences
from forms.i18n import lang_of

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
#: The zones a person may choose: IANA names, the system's or the tzdata package's.
ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"]


@router.get("/login")
def login_form(ctx: Page, next: str | None = None) -> Response:
    if ctx.user is not None:
        return redirect(ctx, safe_next(next))
    return render(ctx, "login.html", next=safe_next(next), username="")


@router.post("/login")
async def login(ctx: Page, form: Posted) -> Response:
    username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    try:  # argon2 is slow on purpose: keep it off the event loop
        result = await run_in_threadpool(auth.login, ctx.database, username=username, password=password)
    except auth.AccountLocked as exc:
        until = times.local(exc.locked_until, ctx.zone)
        return render(ctx, "login.html", status=429, next=target, locked_until=until, username=username)
    except auth.AuthenticationFailed:
        return render(ctx, "login.html", status=401, next=target, failed=True, username=username)
    language = await run_in_threadpool(_stored_language, ctx, result.user_id)
    ctx.sign_in(result.user_id, language)
    return redirect(ctx, target)


def _stored_language(ctx: Page, user_id: int) -> str:
    loaded = ctx._load(user_id)
    return loaded.language if loaded and loaded.language else ctx.lang


@router.post("/logout")
def logout(ctx: Page, _form: Posted) -> Response:
    ctx.sign_out()
    return redirect(ctx, f"{PREFIX}/login")


@router.post("/language")
def language(ctx: Page, form: Posted) -> Response:
    """Switch English / 简体中文: a cookie for this browser, and the user's column when signed in."""
    chosen = lang_of(form.get("language"))
    if ctx.user is not None:  # a person's own setting: auditors may change it too
        ctx.command(lambda session, actor: preferences.set_language(session=session, actor=actor, language=chosen),
                    own_settings=True)
    ctx.set_language(chosen)
    return redirect(ctx, safe_next(str(form.get("next") or "")))


def _settings_page(ctx: Page, status: int = 200, errors: dict[str, str] | None = None,
                   typed: dict[str, str] | None = None, flash: str | None = None) -> Response:
    """The form shows what was typed when it was refused, else what is stored."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        email = seats.get_user(session=session, username=user.username).email or ""
    shown = typed or {"time_zone": user.time_zone or "", "email": email}
    return render(ctx, "me.html", status=status, errors=errors or {}, zones=ZONES, shown=shown,
                  default_zone=ctx.settings.time_zone, flash=flash)


@router.get("/me")
def my_settings(ctx: Page, saved: str | None = None) -> Response:
    return _settings_page(ctx, flash="settings_saved" if saved else None)


@router.post("/me")
def save_my_settings(ctx: Page, form: Posted) -> Response:
    """Language and time zone; auditors too (their own settings change nothing else)."""
    user = ctx.require_user()
    chosen_language = lang_of(form.get("language"))
    zone, email = str(form.get("time_zone") or ""), str(form.get("email") or "")

    def save(session: Session, actor: Actor) -> None:
        preferences.set_language(session=session, actor=actor, language=chosen_language)
        preferences.set_time_zone(session=session, actor=actor, time_zone_name=zone)
        preferences.set_email(session=session, actor=actor, email=email)

    try:
        ctx.command(save, own_settings=True)
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        errors = {name: say(message) for name, message in exc.fields.items()}
        return _settings_page(ctx, 422, errors, {"time_zone": zone, "email": email})
    ctx.set_language(chosen_language)
    ctx.user = replace(user, language=chosen_language, time_zone=zone or None)
    return redirect(ctx, f"{PREFIX}/me?saved=1")
