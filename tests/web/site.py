"""A real server for browser tests: uvicorn in a thread on a free loopback port, a temp SQLite
file seeded with users per seat and the bundled models, and Debian's Chromium via playwright.

Why a thread and a file database: the browser talks HTTP to a real server exactly as a person's
would, while the test drives setup steps through the engine on the same database. The clock is
the system clock: browser steps take real (short) time.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.pages import install
from engine import definitions, incidents, seats, tasks
from engine.db import Database, migrate
from engine.definitions.bundled import bundled_files, deploy_bundled
from engine.errors import RenxingError
from tests.api.conftest import PASSWORD, SETTINGS, make_users
from tests.scenario import ADMIN, ANSWERS
from tests.web.conftest import MODELS

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def require_browser() -> Any:
    """playwright's sync API, or a clean skip naming what is missing."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: pip install playwright (never `playwright install`)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    def __init__(self, db: Database, url: str) -> None:
        self.db, self.url = db, url

    def actor(self, username: str) -> Any:
        with self.db.read() as session:
            return seats.actor_for(seats.get_user(session=session, username=username))

    def start(self, title: str, process_id: str = "community_incident", exercise: bool = False) -> str:
        with self.db.transaction() as session:
            return incidents.start(session=session, actor=self.actor("duty"), process_id=process_id, title=title,
                                   category="accident_disaster", unit="Hehua Compound",
                                   exercise=exercise).reference

    def open_elements(self, ref: str) -> list[str]:
        with self.db.read() as session:
            incident_id = incidents.resolve(session=session, ref=ref).id
            return [t.task_spec for t in tasks.open_tasks(session=session, incident_id=incident_id)]

    def complete(self, ref: str, element: str, username: str, data: dict[str, Any] | None = None) -> None:
        with self.db.transaction() as session:
            incident_id = incidents.resolve(session=session, ref=ref).id
            task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id)
                        if t.task_spec == element)
            tasks.complete(session=session, actor=self.actor(username), task_id=task.id,
                           data=ANSWERS[element] if data is None else data)

    def waiting_messages(self, ref: str) -> list[str]:
        with self.db.read() as session:
            return incidents.state(session=session, incident_id=incidents.resolve(session=session, ref=ref).id
                                   ).waiting_messages


@contextmanager
def serve(tmp: Path) -> Iterator[Site]:
    """A fresh database with users per seat and the bundled models, served."""
    db = Database(f"sqlite:///{tmp / 'browser.db'}")
    migrate.upgrade(db.engine)
    make_users(db)
    try:  # the whole library, so the tests use incident_lifecycle once it lands …
        with db.transaction() as session:
            deploy_bundled(session=session, actor=ADMIN)
    except RenxingError:  # … and community_incident alone while the library is not valid
        with db.transaction() as session:
            definitions.deploy(session=session, actor=ADMIN, files={
                name: content for name, content in bundled_files().items() if name in MODELS})
    with serve_database(db, attachments=tmp / "attachments") as site:
        yield site


@contextmanager
def serve_database(db: Database, attachments: Path) -> Iterator[Site]:
    """uvicorn in a thread on a free loopback port, around the app for `db`; stopped on exit.
    Uploaded attachments go to `attachments` (a test's own folder)."""
    app = create_app(db, settings=SETTINGS.model_copy(update={"attachments_dir": str(attachments)}))
    install(app)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(db, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.dispose()


def sign_in(page: Any, site: Site, username: str) -> None:
    page.goto(f"{site.url}/ui/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/ui/tasks**")


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by playwright (no browser download); skips when either is missing.
    Browser test modules import this fixture."""
    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def open_page(chromium: Any, viewport: dict[str, int], locale: str, *, timeout_ms: int = 15_000,
              **options: Any) -> Iterator[Any]:
    """A page in a fresh browser context of this size and language, closed after the test."""
    context = chromium.new_context(viewport=viewport, locale=locale, **options)
    context.set_default_timeout(timeout_ms)
    yield context.new_page()
    context.close()


def switch_language(page: Any, lang: str) -> None:
    """Use the page's language switch when the page is not in `lang` already."""
    if page.locator("html").get_attribute("lang") != lang:
        page.click("#lang-switch")
        page.wait_for_load_state()
