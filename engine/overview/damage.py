"""Damage statistics of an incident: what the recovery forms reported (houses damaged, direct
loss, people resettled; the loss assessment), one row per submission, for the Excel export."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import incidents
from engine.models import HumanTask, Incident

#: The forms whose answers are damage figures.
DAMAGE_FORMS = ("damage_statistics", "loss_assessment")


@dataclass(frozen=True)
class DamageStatistics:
    incident: Incident
    #: Completed damage tasks, in the order they were submitted.
    submissions: list[HumanTask]


def statistics(*, session: Session, incident_id: int) -> DamageStatistics:
    incident = incidents.get(session=session, incident_id=incident_id)
    found = session.scalars(
        select(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.state == "completed",
                                HumanTask.form_key.in_(DAMAGE_FORMS))
        .order_by(HumanTask.completed_at, HumanTask.id))
    return DamageStatistics(incident=incident, submissions=list(found))
