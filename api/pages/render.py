"""Rendering: one Jinja2 environment over api/pages/templates (autoescaped), and errors as pages.

Why a route class: the app's exception handlers answer JSON for the API; a page must answer a
page. `PageRoute` catches what a page handler (or its dependencies) raises and renders it — a
403 page for a seat the user does not hold, a redirect to sign in when no one is signed in —
without touching the API's handlers.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from api.errors import BadRequest, status_of
from api.messages import FIELD_NUL
from api.pages import i18n as page_i18n
from api.pages import times
from api.pages.events import describe_event
from api.pages.session import CSRF_FIELD, CsrfRefused, PageContext, SignInRequired, page_context
from engine.errors import RenxingError
from engine.models import ProcessDefinition
from engine.workflow import model_names
from forms import FormNotFound, i18n, load_schema
from forms.vocabulary import GOVERNANCE_LEVELS

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/ui"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "svg"]),
                  trim_blocks=True, lstrip_blocks=True)


def text_width(text: str, size: float = 12) -> float:
    """Rough rendered width: wide (CJK) characters are a full em, others about 0.56 em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.56 for ch in text)


_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def wrap(text: str, width: float, size: float = 12, max_lines: int = 4) -> list[str]:
    """Break a label into lines that fit `width` (SVG text does not wrap by itself).

    Latin words stay whole; CJK text may break between any two characters."""
    lines: list[str] = []
    current = ""
    for token in _TOKENS.findall(text or ""):
        candidate = current + token
        if current.strip() and not token.isspace() and text_width(candidate.rstrip(), size) > width:
            lines.append(current.strip())
            current = token
        else:
            current = candidate
    if current.strip():
        lines.append(current.strip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


page_i18n.install(env)
env.filters["when"] = times.when
env.filters["deadline"] = times.deadline
env.filters["wrap"] = wrap
env.globals["PREFIX"] = PREFIX
env.globals["CSRF_FIELD"] = CSRF_FIELD


def enum_labels(form_key: str, lang: str) -> dict[str, str]:
    """Every enum value of a form with its label: rulings' criteria are stored as those values."""
    try:
        schema = load_schema(form_key)
    except FormNotFound:
        return {}
    labels: dict[str, str] = {}
    for spec in (schema.get("properties") or {}).values():
        for value in spec.get("enum", []) if isinstance(spec, dict) else []:
            labels.setdefault(str(value), i18n.enum_label(spec, value, lang))
    return labels


def field_title(form_key: str, name: str, lang: str) -> str:
    """A form field's title in `lang`, for data shown outside its form (the report's review)."""
    try:
        spec = (load_schema(form_key).get("properties") or {}).get(name) or {}
    except FormNotFound:
        spec = {}
    return i18n.schema_title(spec, lang, name.replace("_", " "))


def render_html(ctx: PageContext, template: str, **values: Any) -> str:
    """A template as HTML text in the reader's language and time zone (pages, and the PDF export)."""
    lang = ctx.lang
    ruling_labels = enum_labels("fault_tolerance_ruling", lang)

    translator = page_i18n.Translator(lang)
    return env.get_template(template).render(
        ctx=ctx, user=ctx.user, lang=lang, csrf=ctx.csrf,
        L=lambda kind, value: i18n.label(kind, value, lang),
        say=translator.say, stored=translator.stored, task_title=lambda task: task_title(task, lang),
        subject=lambda task: task_subject(task, lang),
        process_name=lambda d: model_name(d, None, d.name, lang),
        element_name=lambda d, element, fallback: model_name(d, element, fallback or element, lang),
        event_text=lambda action, payload: describe_event(action, payload, lang, values.get("titles")),
        schema_title=lambda schema, fallback="": i18n.schema_title(schema, lang, fallback),
        criterion=lambda value: ruling_labels.get(str(value), str(value)),
        field_title=lambda form_key, name: field_title(form_key, name, lang),
        path=ctx.request.url.path, query=ctx.request.url.query, zone=ctx.zone,
        **{"now": ctx.database.clock.now(), **values},
    )


def task_title(task: Any, lang: str) -> str:
    """A human task's title in `lang`: the model's Chinese name on a Chinese page, where it has one."""
    if task is None:
        return ""
    return str((getattr(task, "title_zh", None) if lang == "zh" else None) or task.title)


def task_subject(task: Any, lang: str) -> str:
    """What a task is about; a tier the model addressed it to (a report's addressee) in words."""
    value = str(getattr(task, "subject", None) or "")
    return i18n.label("tier", value, lang) if value in GOVERNANCE_LEVELS else value


def model_name(definition: ProcessDefinition, element: str | None, fallback: str, lang: str) -> str:
    """A deployed model's name (`element` None) or one of its elements' names, in `lang`."""
    if lang == "zh":
        names = model_names(definition.files)
        # a multi-instance or loop task's spec is "<id> [child]": its name is the element's
        found = (names.processes.get(definition.process_id) if element is None
                 else names.by_id.get(element.removesuffix(" [child]")))
        if found:
            return found
    return str(fallback)


def render(ctx: PageContext, template: str, status: int = 200, **values: Any) -> Response:
    response: Response = HTMLResponse(render_html(ctx, template, **values), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    return ctx.write_cookies(response)


def redirect(ctx: PageContext, url: str) -> Response:
    return ctx.write_cookies(RedirectResponse(url, status_code=303))


def safe_next(url: str | None) -> str:
    """Only our own pages: never an open redirect to another site."""
    if url and url.startswith(PREFIX + "/") and not url.startswith("//") and "\\" not in url:
        return url
    return PREFIX + "/tasks"


def error_page(ctx: PageContext, exc: Exception) -> Response:
    if isinstance(exc, SignInRequired):
        target = ctx.request.url.path + (f"?{ctx.request.url.query}" if ctx.request.url.query else "")
        return redirect(ctx, f"{PREFIX}/login?next={quote(target)}")
    _ = page_i18n.Translator(ctx.lang)
    if isinstance(exc, CsrfRefused):
        status, detail = 403, _("This form has expired or did not come from this site. Reload the page and try again.")
    elif isinstance(exc, RenxingError):
        status, detail = status_of(exc), _.say(exc.message)
    elif isinstance(exc, RequestValidationError):
        status, detail = 400, _("Bad request")
    elif isinstance(exc, HTTPException):
        status, detail = exc.status_code, str(exc.detail)
    else:  # pragma: no cover - the app's own handler logs the unexpected
        raise exc
    return render(ctx, "error.html", status=status, status_code=status, detail=detail)


class PageRoute(APIRoute):
    """Errors of a page route become pages (or the sign-in redirect), never JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (RenxingError, RequestValidationError, HTTPException) as exc:
                return error_page(page_context(request), exc)

        return page_handler


Page = Annotated[PageContext, Depends(page_context)]


async def posted_form(request: Request, ctx: Page) -> FormData:
    """The posted form, after its CSRF token matched the session's; NUL characters refused."""
    form = await request.form(max_files=100, max_fields=500)
    ctx.check_csrf(form)
    for key, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:
            raise BadRequest(FIELD_NUL, field=key)
    return form


Posted = Annotated[FormData, Depends(posted_form)]


