"""attachments: photos and files on tasks, stored by content hash

Revision ID: a748d56e9b35
Revises: b8c2d7485aa3
Create Date: 2026-11-28 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = 'a748d56e9b35'
down_revision: str | None = 'b8c2d7485aa3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('uploaded_by', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_attachments_incident_id', 'attachments', ['incident_id'])
    op.create_index('ix_attachments_task_id', 'attachments', ['task_id'])
    op.create_index('ix_attachments_sha256', 'attachments', ['sha256'])


def downgrade() -> None:
    op.drop_table('attachments')
