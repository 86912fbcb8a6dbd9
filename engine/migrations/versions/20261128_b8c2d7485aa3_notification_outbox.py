"""notification outbox: notifications written with each command, their deliveries, users' e-mail

Revision ID: b8c2d7485aa3
Revises: 32e61bea0183
Create Date: 2026-11-28 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import JSONType, UTCDateTime

revision: str = 'b8c2d7485aa3'
down_revision: str | None = '32e61bea0183'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('role', sa.String(length=64), nullable=True),
        sa.Column('username', sa.String(length=64), nullable=True),
        sa.Column('payload', JSONType, nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('dispatched', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notifications_incident_id', 'notifications', ['incident_id'])
    op.create_index('ix_notifications_dispatched', 'notifications', ['dispatched'])
    op.create_index('ix_notifications_task_kind', 'notifications', ['task_id', 'kind'])
    op.create_table(
        'notification_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('target', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notification_deliveries_notification_id', 'notification_deliveries', ['notification_id'])
    op.create_index('ix_notification_deliveries_due', 'notification_deliveries', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_table('notification_deliveries')
    op.drop_table('notifications')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
