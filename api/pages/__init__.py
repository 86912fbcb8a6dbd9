"""The web pages: server-rendered Jinja2 over the same engine services as the JSON API.

`install(app)` mounts the page routers under /ui and the static files (CSS, a few lines of JS)
that ship in the package — no CDN, no network — and compiles the translation catalogs (i18n.py).
Page routes stay thin: the session's user, one engine service, a template; the API's read
policies decide what a person may see.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.pages import (
    audit,
    auth,
    failures,
    i18n,
    improvements,
    incidents,
    live,
    overview,
    prevention,
    reporting,
    response,
    tasks,
    volunteers,
    warnings,
)
from api.pages.render import PREFIX, STATIC

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """Mount the pages once (a second call, e.g. from create_app and a test, does nothing)."""
    if getattr(app.state, "pages_installed", False):
        return
    app.state.pages_installed = True
    i18n.load_all()
    for module in (auth, tasks, reporting, incidents, failures, response, audit, overview, prevention, improvements,
                   volunteers, warnings, live):
        app.include_router(module.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="pages-static")
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route("/", lambda: RedirectResponse(f"{PREFIX}/", status_code=307), include_in_schema=False)
