"""rulings bound to their reasons: the proposed ruling, departure reasons, the concurring reviewer
of the level above, what a mitigated ruling reduces, and whether the decision drew a complaint

Revision ID: c11a0f7e2b01
Revises: c14a0e1f5b01
Create Date: 2026-11-28 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c11a0f7e2b01'
down_revision: str | None = 'c14a0e1f5b01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('fault_tolerance_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_ruling', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('departure_reasons', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('concurred_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mitigation', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('complaint_received', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('fault_tolerance_reviews', schema=None) as batch_op:
        for column in ('complaint_received', 'mitigation', 'concurred_by', 'departure_reasons', 'proposed_ruling'):
            batch_op.drop_column(column)
