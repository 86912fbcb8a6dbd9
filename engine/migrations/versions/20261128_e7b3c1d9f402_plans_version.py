"""plans version: a counter the database bumps on any change of the emergency plans (a version
published, a version changed or removed), so processes may cache the plan in force

Revision ID: e7b3c1d9f402
Revises: a7c3e9d2b514
Create Date: 2026-11-28 19:50:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'e7b3c1d9f402'
down_revision: str | None = 'a7c3e9d2b514'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE cache_versions SET version = version + 1 WHERE name = 'plans'"
_SQLITE_TRIGGERS = {
    "emergency_plans_insert_plans": "AFTER INSERT ON emergency_plans",
    "emergency_plans_update_plans": "AFTER UPDATE ON emergency_plans",
    "emergency_plans_delete_plans": "AFTER DELETE ON emergency_plans",
}


def upgrade() -> None:
    op.execute("INSERT INTO cache_versions (name, version) VALUES ('plans', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION renxing_bump_plans_version() RETURNS trigger AS $$ "
                   f"BEGIN {_BUMP}; RETURN NULL; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER emergency_plans_plans AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   "ON emergency_plans FOR EACH STATEMENT EXECUTE FUNCTION renxing_bump_plans_version()")
    else:
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS emergency_plans_plans ON emergency_plans")
        op.execute("DROP FUNCTION IF EXISTS renxing_bump_plans_version()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DELETE FROM cache_versions WHERE name = 'plans'")
