"""Readable references such as INC-2026-0007: a prefix per process and a counter per year."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.orm import Session

from engine.db.upsert import insert_for
from engine.models import ReferenceCounter

#: Reference prefixes of the bundled processes; any other process gets "PRC".
PREFIXES = {"incident_lifecycle": "INC", "community_incident": "INC", "hazard_screening": "HZS",
            "early_warning": "EW", "emergency_drill": "DRL", "plan_revision": "PLN",
            "resource_replenishment": "RES", "improvement_action": "IMP",
            "overdue_supervision": "SUP", "risk_assessment": "RSK"}
_COUNTERS = cast(Table, ReferenceCounter.__table__)
#: The counter's upsert by dialect, built once (a Core statement on the session's connection).
_NEXT: dict[str, Any] = {}


def next_reference(session: Session, process_id: str, year: int) -> str:
    """INC-<year>-<n>: an atomic upsert, safe under concurrent starts on both databases. The row
    stays locked until the caller's transaction ends (PostgreSQL), so take it late (`starting._Opening`)."""
    scope = f"{PREFIXES.get(process_id, 'PRC')}-{year}"
    dialect = session.get_bind().dialect.name
    statement = _NEXT.get(dialect)
    if statement is None:
        statement = _NEXT[dialect] = (
            insert_for(session, _COUNTERS).values(scope=bindparam("scope"), last=1)
            .on_conflict_do_update(index_elements=["scope"], set_={"last": _COUNTERS.c.last + 1})
            .returning(_COUNTERS.c.last))
    number = session.connection().execute(statement, {"scope": scope}).scalar_one()
    return f"{scope}-{number:04d}"
