"""A small office database for the operations tests: a duty officer with a real password, the
looped watch model (tests/fixtures/long) deployed, and incidents waiting on their ready task."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import definitions, incidents, seats, tasks
from engine.db import Database, migrate
from engine.models import HumanTask, Incident
from engine.seats.auth import hash_password
from tests.scenario import ADMIN

WATCH = Path(__file__).resolve().parents[1] / "fixtures" / "long"
DUTY, PASSWORD = "ops.duty", "ops-test-password"


def prepare(url: str, *, watches: int = 2) -> list[str]:
    """Migrate, seat the duty officer, deploy the watch model, start `watches` incidents."""
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.transaction() as session:
        seats.create_user(session=session, actor=ADMIN, username=DUTY, password_hash=hash_password(PASSWORD))
        seats.seat(session=session, actor=ADMIN, username=DUTY, role="duty_officer")
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([WATCH]))
    references = [start_watch(db, n) for n in range(watches)]
    db.dispose()
    return references


def start_watch(db: Database, n: int) -> str:
    with db.transaction() as session:
        actor = seats.actor_for(seats.get_user(session=session, username=DUTY))
        return incidents.start(session=session, actor=actor, process_id="long_watch", title=f"Watch {n}",
                               category="natural_disaster", unit="Grid 3").reference


def ready_task(session: Session, reference: str) -> str:
    incident = session.scalars(select(Incident).where(Incident.reference == reference)).one()
    ready = list(session.scalars(select(HumanTask.id).where(HumanTask.incident_id == incident.id,
                                                             HumanTask.state == "ready")))
    assert len(ready) == 1, f"{reference}: {len(ready)} ready tasks"
    return ready[0]


def complete_watch(db: Database, reference: str, comment: str, *, verified: bool = False) -> None:
    """Complete the watch's ready task in-process (as the duty officer); a verified situation
    report leads to closing the watch."""
    with db.transaction() as session:
        actor = seats.actor_for(seats.get_user(session=session, username=DUTY))
        tasks.complete(session=session, actor=actor, task_id=ready_task(session, reference),
                       data={"verified": verified, "comment": comment})
