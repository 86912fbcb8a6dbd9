"""The ORM models and the Alembic migrations describe the same schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from engine.db import Database, migrate
from engine.models import Base


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert migrate.is_current(db.engine)


def test_upgrade_twice_is_harmless(db: Database) -> None:
    migrate.upgrade(db.engine)
    assert migrate.is_current(db.engine)
