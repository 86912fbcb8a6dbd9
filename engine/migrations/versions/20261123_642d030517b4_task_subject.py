"""task subject

Revision ID: 642d030517b4
Revises: 6fc41c452107
Create Date: 2026-11-23 12:38:38.112051
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '642d030517b4'
down_revision: str | None = '6fc41c452107'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=300), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_column('subject')

