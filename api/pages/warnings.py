"""Warnings page: the warnings received from the issuer with their level in force, a form to receive
one (its CAP fields and the grids to relay it to) and, for each in force, the issuer's change —
raised, lowered, lifted, or become an incident. The twin of /warnings in the API."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from engine import warnings
from engine.errors import Conflict, InvalidInput
from forms.vocabulary import WARNING_CHANGES, WARNING_EVENTS, WARNING_LEVELS

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FIELDS = ("event", "warning_level", "headline", "area", "issued", "expires", "issuer", "instruction", "grids", "unit")
DONE = {"received", "changed"}


def _page(ctx: Page, *, status: int = 200, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
          change_errors: dict[str, str] | None = None, changing: str | None = None, done: str | None = None
          ) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        found = warnings.list_warnings(session=session)
    return render(ctx, "warnings.html", status=status, warnings=found, events=WARNING_EVENTS, levels=WARNING_LEVELS,
                  changes=WARNING_CHANGES, errors=errors or {}, typed=typed or {},
                  change_errors=change_errors or {}, changing=changing, done=done)


@router.get("/warnings")
def warnings_page(ctx: Page, done: str | None = None) -> Response:
    return _page(ctx, done=done if done in DONE else None)


def _moment(typed: str, zone: tzinfo) -> str:
    """A time typed in the reader's zone (datetime-local) as ISO-8601 with that zone."""
    with suppress(ValueError):
        moment = datetime.fromisoformat(typed)
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()
    return typed  # the engine names the field


def _warning(typed: dict[str, str], zone: tzinfo) -> dict[str, Any]:
    found: dict[str, Any] = {k: typed[k] for k in FIELDS if k not in ("grids", "unit") and typed[k]}
    found["grids"] = [line.strip() for line in typed["grids"].splitlines() if line.strip()]
    for name in ("issued", "expires"):
        if name in found:
            found[name] = _moment(found[name], zone)
    return found


@router.post("/warnings")
def receive(ctx: Page, form: Posted) -> Response:
    """A duty officer (or the community commander) enters a warning the issuer published."""
    typed = {name: str(form.get(name) or "").strip() for name in FIELDS}
    try:
        ctx.command(lambda session, actor: warnings.receive(
            session=session, actor=actor, warning=_warning(typed, ctx.zone), unit=typed["unit"]))
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        return _page(ctx, status=422, errors={k: say(v) for k, v in exc.fields.items()}, typed=typed)
    return redirect(ctx, f"{PREFIX}/warnings?done=received")


@router.post("/warnings/{ref}/changes")
def change(ctx: Page, ref: str, form: Posted) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in ("change", "level", "reason")}
    try:
        ctx.command(lambda session, actor: warnings.change(
            session=session, actor=actor, ref=ref, change=values["change"], level=values["level"] or None,
            reason=values["reason"]))
    except (InvalidInput, Conflict) as exc:
        say = Translator(ctx.lang).say
        errors = {k: say(v) for k, v in exc.fields.items()} or {"change": say(exc.message)}
        return _page(ctx, status=422 if isinstance(exc, InvalidInput) else 409, change_errors=errors, changing=ref)
    return redirect(ctx, f"{PREFIX}/warnings?done=changed")
