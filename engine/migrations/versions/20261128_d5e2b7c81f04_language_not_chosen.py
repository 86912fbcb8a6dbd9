"""language not chosen: a user's language is "" until they choose one, so the pages follow the
browser's language until then. The old default "en" was never a choice and kept Chinese offices in
English after signing in: it becomes "" (a person who chose English reads their browser's language
until they choose again). "zh" was always a choice and stays.

Revision ID: d5e2b7c81f04
Revises: c3f1a9d27e60
Create Date: 2026-11-28 10:20:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'd5e2b7c81f04'
down_revision: str | None = 'c3f1a9d27e60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE users SET language = '' WHERE language = 'en'")


def downgrade() -> None:
    op.execute("UPDATE users SET language = 'en' WHERE language = ''")
