"""resource reservations: what an incident holds of a resource (预留) — reserved by a response
task, drawn against by its later tasks, the rest released when it closes — and the reserved
figure beside each resource and each movement

Revision ID: a7c3e9d2b514
Revises: f4d2b7c9a1e3
Create Date: 2026-11-28 16:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a7c3e9d2b514'
down_revision: str | None = 'f4d2b7c9a1e3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('resources') as batch:
        batch.add_column(sa.Column('reserved', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('resource_movements') as batch:
        batch.add_column(sa.Column('reserved_after', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'resource_reservations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('held', sa.Integer(), nullable=False),
        sa.Column('drawn', sa.Integer(), nullable=False),
        sa.Column('released', sa.Integer(), nullable=False),
        sa.Column('reserved_by', sa.String(length=64), nullable=False),
        sa.Column('reserved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'],
                                name=op.f('fk_resource_reservations_incident_id_incidents')),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'],
                                name=op.f('fk_resource_reservations_resource_id_resources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_reservations')),
        sa.UniqueConstraint('resource_id', 'incident_id', name=op.f('uq_resource_reservations_resource_id')),
    )
    op.create_index(op.f('ix_resource_reservations_incident_id'), 'resource_reservations', ['incident_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_resource_reservations_incident_id'), table_name='resource_reservations')
    op.drop_table('resource_reservations')
    with op.batch_alter_table('resource_movements') as batch:
        batch.drop_column('reserved_after')
    with op.batch_alter_table('resources') as batch:
        batch.drop_column('reserved')
