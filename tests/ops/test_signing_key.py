"""Secure by default: no well-known key anywhere. Unset, the signing key is random, generated on
first start and kept in the database; tokens forged with any fixed key are refused; rotating the
key kills old tokens; a weak configured key is refused when serving."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from api import pages
from api.app import create_app
from engine import audit, seats
from engine.actors import Actor
from engine.config import Settings
from engine.db import Database
from engine.seats import keys
from tests.api.conftest import PASSWORD, make_users
from tests.ops.process import RENXING, environment, renxing, serving, until

WELL_KNOWN = ["change-me-in-production", "secret", "renxing", "x" * 32, "test-secret-key-long-enough-for-hs256!"]


def _forged(key: str, *, user_id: int, username: str = "admin", now: int = 1_778_565_600) -> str:
    claims = {"sub": username, "uid": user_id, "aud": "renxing", "iat": now, "exp": now + 3600}
    return jwt.encode(claims, key, algorithm="HS256")


def test_the_key_is_generated_once_random_and_shared(db: Database) -> None:
    with db.transaction() as session:
        first = keys.signing_key(session=session)
    with db.transaction() as session:
        assert keys.signing_key(session=session) == first  # every process reads the same one
    assert len(first) >= 43 and first not in WELL_KNOWN
    with db.transaction() as session:
        keys.rotate(session=session, actor=Actor.system("ops"))
    with db.transaction() as session:
        rotated = keys.signing_key(session=session)
    assert rotated != first and len(rotated) >= 43
    with db.read() as session:
        assert [e.action for e in audit.events(session=session)][-1] == "signing_key_rotated"
        assert all(first not in str(e.payload) for e in audit.events(session=session))


def test_forged_tokens_are_refused_and_rotation_kills_old_ones(db: Database) -> None:
    make_users(db)
    app = create_app(db, settings=Settings(secret_key=None))
    pages.install(app)
    app.state.signing_key.refresh_seconds = 0  # no cache: see a rotation at once
    with TestClient(app) as client:
        now = int(db.clock.now().timestamp())
        with db.read() as session:
            admin_id = seats.get_user(session=session, username="admin").id
        for key in WELL_KNOWN:
            forged = _forged(key, user_id=admin_id, now=now)
            assert client.get("/users", headers={"Authorization": f"Bearer {forged}"}).status_code == 401, key
        unsigned = jwt.encode({"sub": "admin", "uid": admin_id, "aud": "renxing", "iat": now, "exp": now + 60},
                              None, algorithm="none")
        assert client.get("/users", headers={"Authorization": f"Bearer {unsigned}"}).status_code == 401
        token = client.post("/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
        assert client.get("/users", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get("/ui/login").status_code == 200
        cookie = client.cookies.get("renxing_session")
        with db.transaction() as session:
            keys.rotate(session=session, actor=Actor.system("ops"))
        assert client.get("/users", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        client.get("/ui/login")
        assert client.cookies.get("renxing_session") != cookie  # the old page session is not accepted
        fresh = client.post("/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
        assert client.get("/users", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


pytestmark = pytest.mark.skipif(not RENXING.exists(), reason="the renxing console script is not installed")


@pytest.mark.slow
def test_a_server_started_as_the_readme_says_refuses_forged_tokens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    env = environment(RENXING_DATABASE_URL=url)
    assert renxing("users", "add", "ops", "--password", "ops-password", "--admin", env=env).returncode == 0
    with serving(url, env={"RENXING_SECRET_KEY": ""}) as server:  # unset, as the README says
        token = server.login("ops", "ops-password")
        assert server.get("/users", token)[0] == 200
        user_id = jwt.decode(token, options={"verify_signature": False})["uid"]
        for key in WELL_KNOWN:
            assert server.get("/users", _forged(key, user_id=user_id))[0] == 401, key
        rotated = renxing("keys", "rotate", env=env)
        assert rotated.returncode == 0, rotated.stderr
        until(lambda: server.get("/me", token)[0] == 401, message="the old token dies after rotation")
        assert server.get("/me", server.login("ops", "ops-password"))[0] == 200


@pytest.mark.parametrize(("key", "host", "refused"), [
    ("change-me-in-production", "127.0.0.1", "well-known"),
    ("short-key", "0.0.0.0", "shorter than 32 bytes"),
])
def test_serve_refuses_a_weak_configured_key(tmp_path: Path, key: str, host: str, refused: str) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    result = renxing("serve", "--host", host, "--port", "1", "--database", url,
                     env=environment(RENXING_SECRET_KEY=key), timeout=60)
    assert result.returncode == 2 and refused in result.stderr, result.stderr
    assert not (tmp_path / "office.db").exists()  # refused before touching anything


def test_rotation_is_refused_when_the_key_is_configured(tmp_path: Path) -> None:
    result = renxing("keys", "rotate", env=environment(RENXING_SECRET_KEY="x" * 40,
                                                       RENXING_DATABASE_URL=f"sqlite:///{tmp_path / 'o.db'}"))
    assert result.returncode == 2 and "RENXING_SECRET_KEY" in result.stderr
