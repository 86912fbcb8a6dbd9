"""resources register: reserves, equipment, shelters, micro fire stations, the service station,
and their movements

Revision ID: d11b3c5a7e02
Revises: d3e7b2a4c915
Create Date: 2026-11-28 10:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = 'd11b3c5a7e02'
down_revision: str | None = 'd3e7b2a4c915'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'resources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=200), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=False),
        sa.Column('measure', sa.String(length=32), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('in_use', sa.Integer(), nullable=False),
        sa.Column('minimum', sa.Integer(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=True),
        sa.Column('replenishment_incident_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['replenishment_incident_id'], ['incidents.id'],
                                name=op.f('fk_resources_replenishment_incident_id_incidents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resources')),
    )
    op.create_index('ix_resources_unit_kind', 'resources', ['unit', 'kind'], unique=False)
    op.create_table(
        'resource_movements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('available_after', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('moved_by', sa.String(length=64), nullable=False),
        sa.Column('moved_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'],
                                name=op.f('fk_resource_movements_incident_id_incidents')),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'],
                                name=op.f('fk_resource_movements_resource_id_resources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_movements')),
    )
    op.create_index(op.f('ix_resource_movements_incident_id'), 'resource_movements', ['incident_id'], unique=False)
    op.create_index(op.f('ix_resource_movements_resource_id'), 'resource_movements', ['resource_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_resource_movements_resource_id'), table_name='resource_movements')
    op.drop_index(op.f('ix_resource_movements_incident_id'), table_name='resource_movements')
    op.drop_table('resource_movements')
    op.drop_index('ix_resources_unit_kind', table_name='resources')
    op.drop_table('resources')
