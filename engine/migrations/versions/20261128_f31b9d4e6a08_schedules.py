"""schedules: the prevention calendar the worker starts work from (monthly screening, before the
flood season, annual drills by type), with the overdue escalation of what it started

Revision ID: f31b9d4e6a08
Revises: f21a8c3d5e07
Create Date: 2026-11-28 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f31b9d4e6a08'
down_revision: str | None = 'f21a8c3d5e07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('process_id', sa.String(length=64), nullable=False),
        sa.Column('unit', sa.String(length=200), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('rule', sa.String(length=16), nullable=False),
        sa.Column('month', sa.Integer(), nullable=True),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('drill_type', sa.String(length=16), nullable=True),
        sa.Column('due_days', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_incident_id', sa.Integer(), nullable=True),
        sa.Column('last_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['last_incident_id'], ['incidents.id'],
                                name=op.f('fk_schedules_last_incident_id_incidents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules')),
    )
    op.create_index('ix_schedules_enabled_next_run_at', 'schedules', ['enabled', 'next_run_at'])


def downgrade() -> None:
    op.drop_index('ix_schedules_enabled_next_run_at', table_name='schedules')
    op.drop_table('schedules')
