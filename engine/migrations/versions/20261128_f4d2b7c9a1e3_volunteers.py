"""volunteers: the volunteer and social-organisation register, the second echelon a commander
calls on (skills, contact, availability, the incident they are out with)

Revision ID: f4d2b7c9a1e3
Revises: f2a8c4e61d07
Create Date: 2026-11-28 14:20:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'f4d2b7c9a1e3'
down_revision: str | None = 'f2a8c4e61d07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'volunteers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=200), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('available', sa.Boolean(), nullable=False),
        sa.Column('deployed_incident_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['deployed_incident_id'], ['incidents.id'],
                                name=op.f('fk_volunteers_deployed_incident_id_incidents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteers')),
    )


def downgrade() -> None:
    op.drop_table('volunteers')
