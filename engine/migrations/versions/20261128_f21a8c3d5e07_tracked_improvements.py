"""tracked improvement actions (HSEEP AAR/IP): capability, issue, start, the plan section an action
revises, evidence, verification and escalation

Revision ID: f21a8c3d5e07
Revises: f2a8c6d41b07
Create Date: 2026-11-28 13:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'f21a8c3d5e07'
down_revision: str | None = 'f2a8c6d41b07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
COLUMNS = (
    ('capability', sa.String(32)), ('issue', sa.Text()), ('plan_section', sa.String(32)),
    ('start_at', sa.DateTime(timezone=True)), ('evidence', sa.Text()), ('section_changes', JSON),
    ('submitted_by', sa.String(64)), ('submitted_at', sa.DateTime(timezone=True)),
    ('verified_by', sa.String(64)), ('verification_note', sa.Text()),
    ('escalated_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.create_index('ix_improvement_actions_plan_unit_status', ['plan_unit', 'status'])


def downgrade() -> None:
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_improvement_actions_plan_unit_status')
        for name, _kind in reversed(COLUMNS):
            batch_op.drop_column(name)
