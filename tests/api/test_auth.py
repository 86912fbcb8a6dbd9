"""Logging in, tokens, lockout, `/me`, and the `renxing users` commands."""

from __future__ import annotations

from datetime import timedelta

import jwt
from sqlalchemy import event
from typer.testing import CliRunner

from api.cli import app as cli
from engine import seats
from engine.clock import ManualClock
from engine.db import Database
from tests.api.conftest import PASSWORD, SETTINGS, Api
from tests.scenario import ADMIN


def test_login_issues_a_bearer_token_that_expires(api: Api, clock: ManualClock) -> None:
    response = api.login("duty")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == SETTINGS.token_ttl_seconds
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = api.client.get("/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "duty"
    assert [s["role"] for s in me.json()["seats"]] == ["duty_officer"]

    clock.advance(timedelta(seconds=SETTINGS.token_ttl_seconds + 1))
    expired = api.client.get("/me", headers=headers)
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_requests_without_a_valid_token_are_401(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        response = api.client.get("/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error"]["code"] == "unauthenticated"
    forged = jwt.encode({"sub": "admin", "uid": 1, "aud": "renxing", "iat": 0, "exp": 4102444800},
                        "another-secret-of-sufficient-length!", algorithm="HS256")
    assert api.client.get("/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_wrong_passwords_lock_the_account_for_a_while(api: Api, clock: ManualClock) -> None:
    unknown = api.login("nobody", "whatever")
    assert unknown.status_code == 401 and unknown.json()["error"]["message"] == "incorrect username or password"
    for _ in range(4):
        assert api.login("fire", "wrong password").status_code == 401
    locked = api.login("fire", "wrong password")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "account_locked" and "locked" in locked.json()["error"]["message"]
    assert int(locked.headers["Retry-After"]) == 15 * 60
    # Even the right password is refused while locked …
    assert api.login("fire", PASSWORD).status_code == 429
    # … and accepted once the lock has passed.
    clock.advance(timedelta(minutes=15, seconds=1))
    assert api.login("fire", PASSWORD).status_code == 200


def test_a_successful_login_resets_the_failure_count(api: Api) -> None:
    for _ in range(4):
        assert api.login("medical", "wrong password").status_code == 401
    assert api.login("medical", PASSWORD).status_code == 200
    for _ in range(4):
        assert api.login("medical", "wrong password").status_code == 401
    assert api.login("medical", PASSWORD).status_code == 200


def test_login_form_is_validated(api: Api) -> None:
    missing = api.client.post("/auth/token", data={"username": "duty"})
    assert missing.status_code == 422 and "body.password" in missing.json()["error"]["fields"]
    nul = api.client.post("/auth/token", data={"username": "du\x00ty", "password": "x"})
    assert nul.status_code in (401, 422)


def test_admins_manage_users_over_http(api: Api) -> None:
    body = {"username": "zhou.grid", "password": "a long password", "display_name": "Zhou 周"}
    assert api.as_("commander").post("/users", body).status_code == 403
    created = api.as_("admin").post("/users", body)
    assert created.status_code == 201 and created.json()["display_name"] == "Zhou 周"
    assert api.as_("admin").post("/users", body).status_code == 409
    short = api.as_("admin").post("/users", body | {"username": "x.y", "password": "short"})
    assert short.status_code == 422 and "body.password" in short.json()["error"]["fields"]
    assert api.as_("admin").post("/seats", {"username": "zhou.grid", "role": "grid_worker"}).status_code == 201
    assert api.as_("commander").post("/seats", {"username": "zhou.grid", "role": "commander"}).status_code == 403
    assert api.login("zhou.grid", "a long password").status_code == 200
    listed = {u["username"]: u for u in api.as_("auditor").get("/users").json()}
    assert [s["role"] for s in listed["zhou.grid"]["seats"]] == ["grid_worker"]
    assert api.as_("fire").get("/users").status_code == 403


def test_cli_adds_users_seats_them_and_lists_them(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    url = ["--database", db.url]
    added = runner.invoke(cli, ["users", "add", "wu.commander", "--password-stdin", "--name", "Wu 吴", *url],
                          input="s3cret-enough\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(cli, ["users", "add", "root", "--password", "admin-password", "--admin", *url]).exit_code == 0
    too_short = runner.invoke(cli, ["users", "add", "weak", "--password", "abc", *url])
    assert too_short.exit_code == 2 and "password" in too_short.output
    seated = runner.invoke(cli, ["users", "seat", "wu.commander", "commander", *url])
    assert seated.exit_code == 0, seated.output
    listed = runner.invoke(cli, ["users", "list", *url])
    assert "wu.commander" in listed.output and "commander" in listed.output and "root" in listed.output
    with db.read() as session:
        user = seats.get_user(session=session, username="wu.commander")
        assert user.display_name == "Wu 吴" and user.password_hash and user.password_hash.startswith("$argon2")
        assert seats.roles_of(session=session, user_id=user.id) == {"commander"}


def test_principals_are_read_once_and_again_after_any_change_of_seats_or_account(api: Api, db: Database) -> None:
    """A request needs no user or seat query while nothing changed; a change made by another
    process (here: another Database on the same data) is seen by the very next request."""
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    other = Database(db.url, clock=db.clock)
    try:
        assert api.as_("outsider").get("/incidents").status_code == 200
        statements.clear()
        assert api.as_("outsider").get("/incidents").status_code == 200
        assert not [s for s in statements if "FROM users" in s or "FROM role_assignments" in s], statements

        with other.transaction() as session:  # another process seats the outsider as an auditor
            seats.seat(session=session, actor=ADMIN, username="outsider", role="auditor")
        refused = api.as_("outsider").post("/incidents", {"process_id": "community_incident", "title": "t",
                                                          "category": "natural_disaster", "unit": "u"})
        assert refused.status_code == 403 and refused.json()["error"]["message_code"] == "auditor.read_only"

        with other.transaction() as session:
            seats.set_active(session=session, actor=ADMIN, username="outsider", active=False)
        assert api.as_("outsider").get("/incidents").status_code == 401
    finally:
        other.dispose()
