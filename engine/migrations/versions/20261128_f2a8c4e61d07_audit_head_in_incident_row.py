"""audit head in the incident row: an incident's audit chain ends in its own row, which every
command already locks and updates, so appending an event costs no read and no write of a
separate head row; `audit_chain_heads` keeps the global chain only

Revision ID: f2a8c4e61d07
Revises: f31b9d4e6a08
Create Date: 2026-11-28 13:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f2a8c4e61d07'
down_revision: str | None = 'f31b9d4e6a08'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
_CHAIN = "'incident:' || CAST(incidents.id AS VARCHAR)"


def upgrade() -> None:
    op.add_column('incidents', sa.Column('audit_seq', sa.Integer(), nullable=False, server_default="0"))
    op.add_column('incidents', sa.Column('audit_hash', sa.String(length=64), nullable=False,
                                         server_default=GENESIS))
    op.execute(f"UPDATE incidents SET "
               f"audit_seq = (SELECT seq FROM audit_chain_heads WHERE chain = {_CHAIN}), "
               f"audit_hash = (SELECT hash FROM audit_chain_heads WHERE chain = {_CHAIN}) "
               f"WHERE EXISTS (SELECT 1 FROM audit_chain_heads WHERE chain = {_CHAIN})")
    op.execute("DELETE FROM audit_chain_heads WHERE chain LIKE 'incident:%'")


def downgrade() -> None:
    op.execute(f"INSERT INTO audit_chain_heads (chain, seq, hash) "
               f"SELECT {_CHAIN}, audit_seq, audit_hash FROM incidents WHERE audit_seq > 0")
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('audit_hash')
        batch_op.drop_column('audit_seq')
