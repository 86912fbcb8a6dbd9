"""The plan owner drafting the revision a screening started sees what the screening proposes for the
risk section (the section in force with the hazards found), on the task's page and in its API, on
SQLite and PostgreSQL; in Chinese too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.clock import ManualClock
from engine.db import Database
from engine.models import HumanTask
from tests.api.conftest import PASSWORD
from tests.library_helpers import Library, screen
from tests.test_spiral import STAIRWELL


def _revision_after_screening(library: Library) -> tuple[str, str, str]:
    """A screening that finds the stairwell riser: its reference, the revision task's id, the proposal."""
    screening = screen(library, utility_findings=[STAIRWELL])
    (revision,) = [c for c in library.children(screening) if c.reference.startswith("PLN-")]
    return library.incident(screening).reference, library.task(revision.id, "revise_plan").id, STAIRWELL["description"]


def test_the_revision_task_shows_the_screenings_proposal(browser: Any, db: Database, clock: ManualClock) -> None:
    screening, task_id, hazard = _revision_after_screening(Library(db, clock))
    admin = browser("admin")
    token = admin.client.post("/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    detail = admin.client.get(f"/tasks/{task_id}", headers=bearer).json()
    (proposal,) = detail["proposals"]
    assert (proposal["section"], proposal["proposed_by"]) == ("risks", screening)
    assert proposal["text"].startswith("- [major] Building 3 stairwell: ") and hazard in proposal["text"]

    page = admin.get(f"/ui/tasks/{task_id}").text
    assert 'id="proposal-risks"' in page and f"Proposed by {screening} for the section: Risks" in page
    assert hazard in page
    admin.post("/ui/language", {"language": "zh", "next": f"/ui/tasks/{task_id}"}, page=f"/ui/tasks/{task_id}")
    assert f"{screening} 提出的修订建议：" in admin.get(f"/ui/tasks/{task_id}").text
    other = admin.client.get(f"/tasks/{_other_task(db, task_id)}", headers=bearer).json()
    assert other["proposals"] == []


def _other_task(db: Database, task_id: str) -> str:
    """Any open task but the revision: only a plan draft shows proposals."""
    with db.read() as session:
        return session.scalars(select(HumanTask.id).where(HumanTask.id != task_id, HumanTask.state == "ready")
                               .limit(1)).one()
