"""seats version and inbox order: a counter the database bumps on every change of seats or of the
account fields a principal carries (so processes may cache principals), and an index that yields
each seat's inbox in its order

Revision ID: d12e7c4b9a01
Revises: d11b3c5a7e02
Create Date: 2026-11-28 10:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd12e7c4b9a01'
down_revision: str | None = 'd11b3c5a7e02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE cache_versions SET version = version + 1 WHERE name = 'seats'"
#: What a principal carries from the account; a login's failure counter is not among them.
_USER_FIELDS = "username, display_name, is_admin, is_active"
_SQLITE_TRIGGERS = {
    "role_assignments_insert_seats": "AFTER INSERT ON role_assignments",
    "role_assignments_update_seats": "AFTER UPDATE ON role_assignments",
    "role_assignments_delete_seats": "AFTER DELETE ON role_assignments",
    "users_update_seats": f"AFTER UPDATE OF {_USER_FIELDS} ON users",
    "users_delete_seats": "AFTER DELETE ON users",
}


def upgrade() -> None:
    op.create_table(
        'cache_versions',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions')),
    )
    op.execute("INSERT INTO cache_versions (name, version) VALUES ('seats', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION renxing_bump_seats_version() RETURNS trigger AS $$ "
                   f"BEGIN {_BUMP}; RETURN NULL; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER role_assignments_seats AFTER INSERT OR UPDATE OR DELETE ON role_assignments "
                   "FOR EACH STATEMENT EXECUTE FUNCTION renxing_bump_seats_version()")
        op.execute(f"CREATE TRIGGER users_seats AFTER UPDATE OF {_USER_FIELDS} OR DELETE ON users "
                   "FOR EACH STATEMENT EXECUTE FUNCTION renxing_bump_seats_version()")
    else:
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_BUMP}; END")
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_role_state_due')
        batch_op.create_index('ix_human_tasks_role_state_order', ['role', 'state', 'due_at', 'created_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_role_state_order')
        batch_op.create_index('ix_human_tasks_role_state_due', ['role', 'state', 'due_at'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS users_seats ON users")
        op.execute("DROP TRIGGER IF EXISTS role_assignments_seats ON role_assignments")
        op.execute("DROP FUNCTION IF EXISTS renxing_bump_seats_version()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('cache_versions')
