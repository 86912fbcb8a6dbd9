"""HTTP-level fixtures: the app around the shared `db`/`clock` fixtures (SQLite and PostgreSQL),
a user per seat with a real password, and a small client that logs each one in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from engine import seats
from engine.config import Settings
from engine.db import Database, migrate
from engine.definitions.bundled import deploy_bundled
from engine.models import ProcessDefinition
from engine.seats import auth
from tests.scenario import ADMIN, ANSWERS

PASSWORD = "correct horse battery"
#: argon2 at production cost takes ~0.35 s per login on a CI machine; tests check behaviour,
#: not cost, so they hash and verify with minimal parameters (the same code path).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD_HASH = FAST_HASHER.hash(PASSWORD)
SEATS = {
    "duty": "duty_officer", "commander": "commander", "fire": "fire", "medical": "medical",
    "grid": "grid_worker", "recovery": "recovery_officer", "auditor": "auditor", "reviewer": "reviewer",
    "logistics": "logistics", "volunteers": "volunteer_coordinator",
}
SETTINGS = Settings(secret_key="test-secret-key-long-enough-for-hs256!", token_ttl_seconds=900)


def make_users(db: Database) -> None:
    with db.transaction() as session:
        seats.create_user(session=session, actor=ADMIN, username="admin", display_name="Admin",
                          password_hash=PASSWORD_HASH, is_admin=True)
        for username, role in SEATS.items():
            seats.create_user(session=session, actor=ADMIN, username=username, password_hash=PASSWORD_HASH)
            seats.seat(session=session, actor=ADMIN, username=username, role=role)
        seats.create_user(session=session, actor=ADMIN, username="outsider", password_hash=PASSWORD_HASH)


class Api:
    """A TestClient plus a bearer token per username; `api.as_("fire").post(...)`."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.client.post("/auth/token", data={"username": username, "password": password})

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.login(username)
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        return self.tokens[username]

    def as_(self, username: str) -> As:
        return As(self, username)


class As:
    def __init__(self, api: Api, username: str) -> None:
        self.api, self.username = api, username

    def _headers(self, key: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.api.token(self.username)}"}
        if key:
            headers["Idempotency-Key"] = key
        return headers | (extra or {})

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.api.client.get(url, headers=self._headers(None, kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, json: Any = None, *, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = self._headers(key, kwargs.pop("headers", None))
        return self.api.client.post(url, json=json, headers=headers, **kwargs)

    def put(self, url: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.api.client.put(url, json=json, headers=self._headers(None, kwargs.pop("headers", None)), **kwargs)

    # -- scenario helpers --------------------------------------------------------------------
    def start(self, **overrides: Any) -> dict[str, Any]:
        body = {"process_id": "community_incident", "title": "Gas explosion", "category": "accident_disaster",
                "unit": "Hehua Compound"} | overrides
        response = self.post("/incidents", body, key=str(uuid.uuid4()))
        assert response.status_code == 201, response.text
        return response.json()

    def task_of(self, ref: str, element: str) -> dict[str, Any]:
        state = self.api.as_("admin").get(f"/incidents/{ref}").json()
        found = [t for t in state["open_tasks"] if t["task_spec"] == element]
        assert len(found) == 1, f"{element} not open: {[t['task_spec'] for t in state['open_tasks']]}"
        return found[0]

    def complete(self, ref: str, element: str, data: dict[str, Any] | None = None) -> httpx.Response:
        task = self.task_of(ref, element)
        return self.post(f"/tasks/{task['id']}/complete", {"data": ANSWERS[element] if data is None else data})


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_hasher", FAST_HASHER)


@pytest.fixture
def app(db: Database) -> FastAPI:
    make_users(db)
    return create_app(db, settings=SETTINGS)


_DEPLOYED: list[dict[str, Any]] = []


def _bundled_rows() -> list[dict[str, Any]]:
    """The bundled models as deployed once per test session (a deploy parses and validates
    every file, ~2 s); each test gets copies of those rows. Deploying itself is tested over
    HTTP in test_definitions."""
    if not _DEPLOYED:
        scratch = Database("sqlite://")
        migrate.upgrade(scratch.engine)
        with scratch.transaction() as session:
            for d in deploy_bundled(session=session, actor=ADMIN):
                _DEPLOYED.append({c.key: getattr(d, c.key) for c in ProcessDefinition.__table__.columns
                                  if c.key != "id"})
        scratch.dispose()
    return _DEPLOYED


@pytest.fixture
def deployed(db: Database) -> None:
    with db.transaction() as session:
        for row in _bundled_rows():
            session.add(ProcessDefinition(**row))


@pytest.fixture
def api(app: FastAPI) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client)
