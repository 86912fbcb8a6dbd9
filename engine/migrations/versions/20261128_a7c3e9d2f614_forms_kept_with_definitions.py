"""forms kept with definitions: each deployed version gets the forms its tasks and messages use

Until now a definition version kept only the forms its bundle brought; the built-in library's were
read from the installed package, so a release that changed a built-in form changed it under running
incidents (the report forms that took one 'casualties' count became six separate counts, and an
incident started before could no longer be graded). Deploy now keeps a snapshot of the built-in forms
with each version; this gives the versions deployed before it theirs, from a frozen copy
(engine/migrations/data/): the library as it stood, and for the versions whose models graded from
'casualties' (they hold grade_incident.dmn or grade_response_level.dmn) the report forms of that time.

Revision ID: a7c3e9d2f614
Revises: e11c4d6b8f03
Create Date: 2026-11-28 13:10:00.000000
"""
import json
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'a7c3e9d2f614'
down_revision: str | None = 'e11c4d6b8f03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN = Path(__file__).resolve().parents[1] / "data" / "forms_kept_with_definitions.json"
#: The grading tables of the releases whose report forms took one 'casualties' count.
GRADED_FROM_CASUALTIES = ("grade_incident.dmn", "grade_response_level.dmn")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
definitions = sa.table("process_definitions", sa.column("id", sa.Integer), sa.column("files", _JSON),
                       sa.column("summary", _JSON))


def upgrade() -> None:
    frozen = json.loads(FROZEN.read_text("utf-8"))
    bind = op.get_bind()
    for row in bind.execute(sa.select(definitions.c.id, definitions.c.files, definitions.c.summary)).all():
        files, summary = dict(row.files or {}), row.summary or {}
        library = dict(frozen["library"])
        if any(name in files for name in GRADED_FROM_CASUALTIES):
            library.update(frozen["before_one_grading_table"])
        keys = {str(task.get("form_key")) for task in summary.get("user_tasks", [])}
        keys |= {f"message_{name}" for name in summary.get("messages", [])}
        kept = {f"{key}.json": json.dumps(library[key], ensure_ascii=False, indent=2)
                for key in sorted(keys) if key in library and f"{key}.json" not in files}
        if kept:
            bind.execute(definitions.update().where(definitions.c.id == row.id).values(files={**files, **kept}))


def downgrade() -> None:
    """Nothing to undo: the kept forms are data that an earlier release either reads as the version's
    own forms (as it reads a bundle's) or ignores."""
