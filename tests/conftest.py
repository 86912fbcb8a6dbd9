"""Shared fixtures: every engine test runs on SQLite and, when it answers, on PostgreSQL.

PostgreSQL tests each get a fresh schema (its URL's search_path), migrated from empty by Alembic,
so they never see each other's rows and the audit log's triggers stay in place.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from engine.clock import ManualClock
from engine.db import Database, migrate

#: The browser fixture (`chromium`) lives beside the web tests' helpers.
pytest_plugins = ["tests.web.site"]

PG_URL = os.environ.get("RENXING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = datetime(2026, 5, 12, 6, 0, tzinfo=UTC)


def _postgres_available() -> bool:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except (OperationalError, ModuleNotFoundError):
        return False


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` starts two workers per core: the slow tests (real servers, browsers, upgrades from
    earlier releases, fsyncs) spend much of their time waiting, not computing."""
    return 2 * (os.cpu_count() or 1)


PG_AVAILABLE = _postgres_available()
if os.environ.get("CI") and os.environ.get("RENXING_REQUIRE_PG") and not PG_AVAILABLE:
    raise RuntimeError("RENXING_REQUIRE_PG is set but PostgreSQL does not answer at " + PG_URL)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'renxing.db'}"
        return
    if not PG_AVAILABLE:
        pytest.skip(f"PostgreSQL does not answer at {PG_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db(database_url: str, clock: ManualClock) -> Iterator[Database]:
    database = Database(database_url, clock=clock)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()
