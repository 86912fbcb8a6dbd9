"""An engine database ready for commands: migrated, people seated, models deployed.

Everything goes through the engine's public services, exactly as `renxing` would do it.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import definitions, incidents, seats, tasks
from engine.actors import Actor
from engine.db import Database, migrate
from engine.definitions.bundled import deploy_bundled
from engine.models import HumanTask

if TYPE_CHECKING:
    from bench.meter import Meter

MODELS = Path(__file__).resolve().parent / "models"
ADMIN = Actor.system("bench")
ROLES = ("duty_officer", "commander", "grid_worker", "fire", "medical", "recovery_officer")
LONG = "bench_long_response"


@dataclass
class Setup:
    db: Database
    actors: dict[str, Actor]
    #: When set, the bench's own read of the next task is left out of its counts.
    meter: Meter | None = None

    def start(self, process_id: str = LONG, title: str = "Bench incident") -> int:
        with self.db.transaction() as session:
            return incidents.start(session=session, actor=self.actors["duty_officer"], process_id=process_id,
                                   title=title, category="natural_disaster", unit="Grid 3").id

    def open_task(self, incident_id: int, element: str) -> HumanTask:
        with self.db.read() as session:
            return next(t for t in tasks.open_tasks(session=session, incident_id=incident_id)
                        if t.task_spec == element)

    def complete(self, task: HumanTask, data: dict[str, Any]) -> HumanTask | None:
        """Complete `task`; in the same transaction, read the next open task of the same element."""
        with self.db.transaction() as session:
            tasks.complete(session=session, actor=self.actors[task.role], task_id=task.id, data=data)
            session.flush()  # the command's own writes are counted, not left to the read's autoflush
            with self.meter.paused() if self.meter else nullcontext():
                following = [t for t in tasks.open_tasks(session=session, incident_id=task.incident_id)
                             if t.task_spec == task.task_spec]
            return following[0] if following else None


def prepare(url: str, *, migrate_schema: bool = True) -> Setup:
    """Migrate (first opener only), seat one user per role, deploy the bundled and bench models."""
    db = Database(url)
    if migrate_schema:
        migrate.upgrade(db.engine)
    actors: dict[str, Actor] = {}
    with db.transaction() as session:
        for role in ROLES:
            username = f"bench.{role}"
            try:
                user = seats.get_user(session=session, username=username)
            except Exception:  # noqa: BLE001 - NotFound: create the user once
                user = seats.create_user(session=session, actor=ADMIN, username=username)
                seats.seat(session=session, actor=ADMIN, username=username, role=role)
            actors[role] = seats.actor_for(user)
        deploy_bundled(session=session, actor=ADMIN)
        definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([MODELS]))
    return Setup(db, actors)


def attach(url: str) -> Setup:
    """Open an already prepared database (in a worker process): no migration, no deploys."""
    db = Database(url)
    with db.read() as session:
        actors = {role: seats.actor_for(seats.get_user(session=session, username=f"bench.{role}"))
                  for role in ROLES}
    return Setup(db, actors)
