"""plans in sections: every version of a unit's plan stores all its sections whole

Revision ID: e11c4d6b8f03
Revises: d12e7c4b9a01
Create Date: 2026-11-28 11:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'e11c4d6b8f03'
down_revision: str | None = 'd12e7c4b9a01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'sections', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('emergency_plans', schema=None) as batch_op:
        batch_op.drop_column('sections')
