"""Sign in, sign out, and the language switch — the same password check and lockout as the API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render, safe_next
from engine.seats import auth, preferences
from forms.i18n import lang_of

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


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
        until = exc.locked_until.strftime("%Y-%m-%d %H:%M UTC")
        return render(ctx, "login.html", status=429, next=target, locked_until=until, username=username)
    except auth.AuthenticationFailed:
        return render(ctx, "login.html", status=401, next=target, failed=True, username=username)
    language = await run_in_threadpool(_stored_language, ctx, result.user_id)
    ctx.sign_in(result.user_id, language)
    return redirect(ctx, target)


def _stored_language(ctx: Page, user_id: int) -> str:
    loaded = ctx._load(user_id)
    return loaded.language if loaded else ctx.lang


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
