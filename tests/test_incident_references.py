"""Readable references (INC-2026-0007): numbered per year without gaps or repeats under concurrent
starts, taken at the end of a start (engine/incidents/starting.py `_Numbering`), and still the
process variable `incident_reference` that models read — from their first step, or later."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sqlalchemy import select

from engine import audit, definitions, incidents
from engine.db import Database
from engine.models import AuditEvent, Incident
from tests.scenario import ADMIN, Scenario

MODELS = Path(__file__).parent / "fixtures" / "reference"


def _deploy(db: Database, path: Path) -> int:
    with db.transaction() as session:
        (deployed,) = definitions.deploy(session=session, actor=ADMIN, files=definitions.read_bundle([path]))
        return deployed.version


def test_concurrent_starts_number_the_year_without_gaps_and_begin_their_chains(db: Database) -> None:
    scenario = Scenario(db)
    threads, each = 6, 3
    failures: list[BaseException] = []

    def starter(n: int) -> None:
        try:
            for k in range(each):
                scenario.start(title=f"Burst {n}.{k}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    running = [threading.Thread(target=starter, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert failures == []
    year = db.clock.now().year
    with db.read() as session:
        started = session.scalars(select(Incident).order_by(Incident.id)).all()
        assert sorted(i.reference for i in started) == [f"INC-{year}-{n:04d}" for n in range(1, threads * each + 1)]
        for incident in started:
            first = session.scalars(select(AuditEvent).where(AuditEvent.incident_id == incident.id)
                                    .order_by(AuditEvent.seq).limit(1)).one()
            assert (first.seq, first.action, first.payload["reference"]) == (1, "incident_started", incident.reference)
        assert audit.verify(session=session).ok


def test_a_model_reading_the_reference_in_its_first_step_reads_its_own(db: Database) -> None:
    scenario = Scenario(db)
    _deploy(db, MODELS / "reference_first.bpmn")
    first, second = (scenario.start(process_id="reference_first", title=t) for t in ("One", "Two"))
    for incident_id in (first, second):
        reference = scenario.incident(incident_id).reference
        assert re.fullmatch(r"PRC-\d{4}-\d{4}", reference)
        assert scenario.task(incident_id, "check").subject == f"Report {reference}"


def test_a_model_that_reads_it_only_later_finds_it_set(db: Database) -> None:
    """Version 1 never mentions the variable, so its start numbers the incident after the run; moved
    to version 2, whose second task shows it, the incident has it all the same."""
    scenario = Scenario(db)
    _deploy(db, MODELS / "v1")
    incident_id = scenario.start(process_id="reference_later")
    to_version = _deploy(db, MODELS / "v2")
    with db.transaction() as session:
        incidents.migrate(session=session, actor=ADMIN, incident_id=incident_id, to_version=to_version)
    scenario.complete(incident_id, "first_check", {"verified": True})
    assert scenario.task(incident_id, "second_check").subject == scenario.incident(incident_id).reference
