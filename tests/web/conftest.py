"""Page-test fixtures: the app from create_app + pages.install, users per seat, and a browser-like
client that signs in through the sign-in form and posts forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import install
from engine import definitions, incidents, seats
from engine.db import Database
from engine.definitions.bundled import bundled_files
from tests.api.conftest import PASSWORD, SETTINGS, make_users
from tests.scenario import ADMIN

#: The models page tests run on: community_incident and what it calls (not the whole library, which
#: other work changes and which takes seconds to deploy for every test).
MODELS = ("community_incident.bpmn", "community_recovery.bpmn", "grade_severity.dmn")
LEVEL_DRILL = Path(__file__).parent / "fixtures" / "level_drill.bpmn"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One person's cookie jar: sign in, read pages, post forms as a browser would."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, follow_redirects=False)

    def csrf(self, url: str = "/ui/login") -> str:
        found = CSRF.search(self.client.get(url).text)
        assert found, f"no CSRF token on {url}"
        return found.group(1)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf("/ui/login")
        return self.client.post("/ui/login", data={"username": username, "password": password,
                                                   "csrf_token": token, "next": "/ui/tasks"})

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, *, page: str | None = None,
             token: str | None = None, **kwargs: Any) -> httpx.Response:
        """Post `data` with the CSRF token read from `page` (default: the inbox)."""
        body = dict(data or {})
        body.setdefault("csrf_token", token if token is not None else self.csrf(page or "/ui/tasks"))
        return self.client.post(url, data=body, **kwargs)


@pytest.fixture
def web_app(db: Database, tmp_path: Path) -> FastAPI:
    make_users(db)
    files = {name: content for name, content in bundled_files().items() if name in MODELS}
    with db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    app = create_app(db, settings=SETTINGS.model_copy(update={"attachments_dir": str(tmp_path / "attachments")}))
    install(app)
    return app


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[Any]:
    """`browser("fire")` gives a signed-in Browser for that user."""
    made: list[Browser] = []

    def make(username: str | None = None) -> Browser:
        person = Browser(web_app)
        person.client.__enter__()
        made.append(person)
        if username is not None:
            response = person.sign_in(username)
            assert response.status_code == 303, response.text
        return person

    yield make
    for person in made:
        person.client.__exit__(None, None, None)


@pytest.fixture
def incident(db: Database, web_app: FastAPI) -> str:
    """A community incident reported by the duty officer; `commander` holds the global seat."""
    with db.transaction() as session:
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        return incidents.start(session=session, actor=duty, process_id="community_incident",
                               title="Gas explosion", category="accident_disaster", unit="Hehua Compound").reference
