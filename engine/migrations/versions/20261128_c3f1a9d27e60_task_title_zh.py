"""task title_zh: the model's Chinese name of a human task (name_zh), for Chinese pages

Revision ID: c3f1a9d27e60
Revises: c11a0f7e2b01
Create Date: 2026-11-28 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3f1a9d27e60'
down_revision: str | None = 'c11a0f7e2b01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_zh', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_column('title_zh')
