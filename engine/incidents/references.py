"""Readable references such as INC-2026-0007: a prefix per process and a counter per year."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.db.upsert import insert_for
from engine.models import ReferenceCounter

#: Reference prefixes of the bundled processes; any other process gets "PRC".
PREFIXES = {"incident_lifecycle": "INC", "community_incident": "INC", "hazard_screening": "HZS",
            "early_warning": "EW", "emergency_drill": "DRL", "plan_revision": "PLN",
            "resource_replenishment": "RES", "improvement_action": "IMP",
            "overdue_supervision": "SUP", "risk_assessment": "RSK"}


def next_reference(session: Session, process_id: str, year: int) -> str:
    """INC-<year>-<n>: an atomic upsert, safe under concurrent starts on both databases."""
    scope = f"{PREFIXES.get(process_id, 'PRC')}-{year}"
    statement = (
        insert_for(session, ReferenceCounter).values(scope=scope, last=1)
        .on_conflict_do_update(index_elements=["scope"], set_={"last": ReferenceCounter.last + 1})
        .returning(ReferenceCounter.last)
    )
    number = session.execute(statement).scalar_one()
    return f"{scope}-{number:04d}"
