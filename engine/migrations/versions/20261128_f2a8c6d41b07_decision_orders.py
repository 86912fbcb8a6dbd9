"""decision orders: a recorded decision orders seats to act; each order becomes a task

Revision ID: f2a8c6d41b07
Revises: f3c9a1d5e8b2
Create Date: 2026-11-28 13:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f2a8c6d41b07'
down_revision: str | None = 'f3c9a1d5e8b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('decision_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.String(length=64), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_orders_decision_id_decisions')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_decision_orders_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_orders'))
    )
    with op.batch_alter_table('decision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_orders_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_orders_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decision_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_orders_incident_id'))
        batch_op.drop_index(batch_op.f('ix_decision_orders_decision_id'))
    op.drop_table('decision_orders')
