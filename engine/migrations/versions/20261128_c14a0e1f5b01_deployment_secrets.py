"""deployment secrets: the signing key generated on first start, shared by every process

Revision ID: c14a0e1f5b01
Revises: a748d56e9b35
Create Date: 2026-11-28 09:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = 'c14a0e1f5b01'
down_revision: str | None = 'a748d56e9b35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'deployment_secrets',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('deployment_secrets')
