"""incident failures: what failed (element, error, data), the retries with back-off, the fix

Revision ID: f3c9a1d5e8b2
Revises: a7c3e9d2f614
Create Date: 2026-11-28 13:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from engine.models.base import UTCDateTime

revision: str = 'f3c9a1d5e8b2'
down_revision: str | None = 'a7c3e9d2f614'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'incident_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('element', sa.String(length=200), nullable=True),
        sa.Column('element_name', sa.String(length=200), nullable=True),
        sa.Column('error_code', sa.String(length=64), nullable=False),
        sa.Column('error_params', JSON, nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('data', JSON, nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('first_failed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_failed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('resolved_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'],
                                name=op.f('fk_incident_failures_incident_id_incidents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_failures')),
    )
    op.create_index(op.f('ix_incident_failures_incident_id'), 'incident_failures', ['incident_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_incident_failures_incident_id'), table_name='incident_failures')
    op.drop_table('incident_failures')
