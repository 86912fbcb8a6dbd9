"""audit request id: the HTTP request that wrote each event, tying log lines to the audit trail

Revision ID: d3e7b2a4c915
Revises: d5e2b7c81f04
Create Date: 2026-11-28 10:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd3e7b2a4c915'
down_revision: str | None = 'd5e2b7c81f04'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): the table's append-only triggers stay as they are.
    op.add_column('audit_events', sa.Column('request_id', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_events_request_id', 'audit_events', ['request_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_events_request_id', 'audit_events')
    op.drop_column('audit_events', 'request_id')
