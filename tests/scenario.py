"""A small driver for tests: seat people, deploy models, and play tasks by element id."""

from __future__ import annotations

from typing import Any

from engine import incidents, seats, tasks
from engine.actors import Actor
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from engine.incidents.store import CACHE
from engine.models import HumanTask, Incident
from forms.samples import SAMPLES

ADMIN = Actor.system("tests")
#: The form of each user task of the small core model (community_incident + community_recovery).
COMMUNITY_FORMS = {
    "record_report": "incident_report", "report_to_district": "escalation_report",
    "activate_response": "activate_response", "fire_rescue": "department_report",
    "medical_care": "department_report", "escalate_fire_delay": "escalation_ack",
    "damage_statistics": "damage_statistics", "verify_statistics": "verification",
    "relief_distribution": "relief_distribution", "after_action_review": "after_action_review",
}
#: A valid answer for each of its tasks, by element id.
ANSWERS: dict[str, dict[str, Any]] = {element: SAMPLES[form] for element, form in COMMUNITY_FORMS.items()}
ROLES = ("duty_officer", "commander", "fire", "medical", "grid_worker", "recovery_officer")


class Scenario:
    def __init__(self, db: Database, *, restart_between_steps: bool = False) -> None:
        self.db = db
        self.restart = restart_between_steps
        self.actors: dict[str, Actor] = {}
        with db.transaction() as session:
            for role in ROLES:
                user = seats.create_user(session=session, actor=ADMIN, username=f"{role}.user")
                seats.seat(session=session, actor=ADMIN, username=user.username, role=role)
                self.actors[role] = seats.actor_for(user)
            outsider = seats.create_user(session=session, actor=ADMIN, username="outsider")
            self.actors["outsider"] = seats.actor_for(outsider)
            deploy_bundled(session=session, actor=ADMIN)

    def _maybe_restart(self) -> None:
        """Drop every in-memory workflow so the next command restores from rows."""
        if self.restart:
            CACHE.clear()

    def start(self, **overrides: Any) -> int:
        self._maybe_restart()
        params: dict[str, Any] = {"process_id": "community_incident", "title": "Gas explosion",
                                  "category": "accident_disaster", "unit": "Hehua Compound"}
        params.update(overrides)
        with self.db.transaction() as session:
            return incidents.start(session=session, actor=self.actors["duty_officer"], **params).id

    def open_tasks(self, incident_id: int) -> list[HumanTask]:
        with self.db.read() as session:
            return tasks.open_tasks(session=session, incident_id=incident_id)

    def task(self, incident_id: int, element: str) -> HumanTask:
        found = [t for t in self.open_tasks(incident_id) if t.task_spec == element]
        assert len(found) == 1, f"expected one open '{element}', open: {self.open_elements(incident_id)}"
        return found[0]

    def complete(self, incident_id: int, element: str, data: dict[str, Any] | None = None,
                 as_role: str | None = None) -> HumanTask:
        self._maybe_restart()
        task = self.task(incident_id, element)
        with self.db.transaction() as session:
            return tasks.complete(session=session, actor=self.actors[as_role or task.role], task_id=task.id,
                                  data=ANSWERS[element] if data is None else data)

    def message(self, incident_id: int, name: str, payload: dict[str, Any] | None = None) -> None:
        self._maybe_restart()
        with self.db.transaction() as session:
            incidents.send_message(session=session, actor=self.actors["commander"], incident_id=incident_id,
                                   name=name, payload=payload or {})

    def incident(self, incident_id: int) -> Incident:
        with self.db.read() as session:
            return incidents.get(session=session, incident_id=incident_id)

    def open_elements(self, incident_id: int) -> list[str]:
        return sorted(t.task_spec for t in self.open_tasks(incident_id))
