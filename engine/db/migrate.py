"""Schema migrations, run from code (`renxing db upgrade`, tests, `renxing serve`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from engine.errors import Conflict
from engine.messages import DATABASE_NEWER

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`; a database whose revision this code does not know (written by a newer
    release) is refused, never touched: this code cannot downgrade it without losing data."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in _known_revisions():
            raise Conflict(DATABASE_NEWER, revision=current)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    return frozenset(r.revision for r in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions())


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration shipped with this code (it cannot change while the process runs)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head_revision()


#: The advisory lock `analyze` holds on PostgreSQL (any constant unique to this use).
ANALYZE_LOCK = 0x72656E78


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics (young PostgreSQL tables otherwise get poor inbox plans).

    Several `renxing serve` processes starting together on one PostgreSQL would run ANALYZE at the
    same moment, and two concurrent database-wide ANALYZEs can deadlock on the catalogs (one process
    then died at start). The first takes an advisory lock and analyzes; the others find it taken
    and skip: the statistics are being refreshed already."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql" and not connection.exec_driver_sql(
                f"SELECT pg_try_advisory_xact_lock({ANALYZE_LOCK})").scalar():
            return
        connection.exec_driver_sql("ANALYZE")
