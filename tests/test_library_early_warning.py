"""early_warning: a warning is recorded, assessed and published with the pre-positioning of its
level (a decision table), then lifted or turned into a linked incident_lifecycle. Cached and
restored from rows before every step."""

from __future__ import annotations

import pytest

from engine.clock import ManualClock
from engine.db import Database
from tests.library_helpers import UNIT, Library


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _publish(library: Library, level: str, hazard_type: str = "rainstorm_flood") -> int:
    warning_id = library.start("early_warning", title="Rainstorm warning", category="natural_disaster")
    incident = library.incident(warning_id)
    assert (incident.reference[:3], incident.phase) == ("EW-", "prevention")
    library.complete(warning_id, "record_warning", hazard_type=hazard_type)
    assert library.task(warning_id, "assess_warning").role == "hazard_inspector"
    library.complete(warning_id, "assess_warning", proposed_level=level)
    assert library.task(warning_id, "publish_warning").role == "community_commander"
    library.complete(warning_id, "publish_warning", warning_level=level)
    assert library.open_elements(warning_id) == ["notify_vulnerable_residents", "preposition_resources"]
    assert {t.role for t in library.open_tasks(warning_id)} == {"grid_worker", "logistics"}
    library.complete(warning_id, "preposition_resources")
    library.complete(warning_id, "notify_vulnerable_residents")
    assert library.open_elements(warning_id) == ["decide_warning_outcome"]
    return warning_id


def test_a_warning_is_lifted(library: Library) -> None:
    warning_id = _publish(library, "yellow")
    library.complete(warning_id, "decide_warning_outcome", outcome="lift", reason="The rain passed north.")
    warning = library.incident(warning_id)
    assert (warning.status, warning.phase) == ("closed", "closed")
    assert library.children(warning_id) == []


@pytest.mark.parametrize(("level", "first_action", "hazard_type", "category"), [
    ("red", "evacuate exposed and vulnerable residents now", "rainstorm_flood", "natural_disaster"),
    ("blue", "watch the monitoring points", "gas_leak", "accident_disaster"),
])
def test_a_warning_becomes_a_linked_incident(library: Library, level: str, first_action: str, hazard_type: str,
                                             category: str) -> None:
    warning_id = _publish(library, level, hazard_type)
    library.complete(warning_id, "decide_warning_outcome", outcome="open_incident",
                     reason="Water entering the garages.")
    assert library.incident(warning_id).status == "closed"
    (incident,) = library.children(warning_id)
    assert incident.reference.startswith("INC-")
    assert (incident.category, incident.unit, incident.exercise, incident.status) == (category, UNIT, False, "active")
    (started,) = library.audit(incident.id, "incident_started")
    assert started["process_id"] == "incident_lifecycle"
    assert started["parent_id"] == warning_id
    data = started["data"]
    assert (data["warning_reference"], data["warning_level"], data["warning_hazard_type"]) == (
        library.incident(warning_id).reference, level, hazard_type)
    assert data["prepositioned"][0] == first_action  # the level's row of the pre-positioning table
    assert library.open_elements(incident.id) == [
        "first_response", "initial_report_phone", "initial_report_written", "record_report"]
