"""early_warning: a warning received from the authorised issuer (CAP fields) is relayed to every grid
with a confirmation task and a deadline (叫应), the seats its level names stand by (the DMN's
standby_seats), the duty officer reports on the level's cadence (report_interval_hours); a raised or
lowered level starts again at the new level; it closes when lifted or when it expires, or becomes
a linked incident_lifecycle. Cached and restored from rows before every step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import warnings
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput, NotFound
from forms.samples import SAMPLES
from tests.library_helpers import UNIT, Library

ORANGE_SEATS = ["community_commander", "duty_officer", "grid_worker", "logistics", "volunteer_coordinator"]
RED_SEATS = sorted(["duty_officer", "community_commander", "fire", "medical", "police", "logistics",
                    "volunteer_coordinator", "grid_worker"])


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _warning(library: Library, **changes: Any) -> dict[str, Any]:
    moment = library.clock.now()
    return {**SAMPLES["warning_received"], "issued": moment.isoformat(),
            "expires": (moment + timedelta(hours=24)).isoformat(), **changes}


def _receive(library: Library, as_user: str = "wang.duty", **changes: Any) -> int:
    library._step()
    with library.db.transaction() as session:
        return warnings.receive(session=session, actor=library.actors[as_user], warning=_warning(library, **changes),
                                unit=UNIT).id


def _change(library: Library, warning_id: int, change: str, level: str | None = None,
            reason: str = "The observatory's update") -> warnings.WarningView:
    library._step()
    with library.db.transaction() as session:
        return warnings.change(session=session, actor=library.actors["wang.duty"], ref=warning_id, change=change,
                               level=level, reason=reason)


def _standing_by(library: Library, warning_id: int) -> list[str]:
    return sorted(t.role for t in library.open_tasks(warning_id) if t.task_spec == "stand_by")


def _grids(library: Library, warning_id: int) -> list[str]:
    return sorted(str(t.subject) for t in library.open_tasks(warning_id) if t.task_spec == "confirm_grid_reached")


def test_a_warning_is_relayed_to_every_grid_with_standby_and_reports_by_its_level(library: Library) -> None:
    warning_id = _receive(library)
    incident = library.incident(warning_id)
    assert (incident.reference[:3], incident.phase, incident.category) == ("EW-", "prevention", "natural_disaster")
    assert _grids(library, warning_id) == ["Grid 1", "Grid 2"]
    assert {t.role for t in library.open_tasks(warning_id) if t.task_spec == "confirm_grid_reached"} == {"grid_worker"}
    assert _standing_by(library, warning_id) == ORANGE_SEATS  # the DMN's standby_seats for orange
    deadlines = {t.element: t.due_at for t in library.state(warning_id).timers}
    assert deadlines["relay_deadline"] == library.clock.now() + timedelta(minutes=60)  # orange: within the hour
    assert deadlines["situation_report_due"] == library.clock.now() + timedelta(hours=2)  # orange: every 2 h
    assert deadlines["warning_expires"] == library.clock.now() + timedelta(hours=24)

    grid_1 = next(t for t in library.open_tasks(warning_id) if t.subject == "Grid 1")
    library.complete_task(grid_1)
    library.advance(minutes=61)  # Grid 2 has not confirmed: the duty officer chases it
    assert library.task(warning_id, "chase_relay").role == "duty_officer"
    assert _grids(library, warning_id) == ["Grid 2"]
    library.advance(minutes=60)  # orange: the situation is reported every 2 hours
    assert library.task(warning_id, "report_warning_situation").role == "duty_officer"
    library.complete(warning_id, "report_warning_situation")
    for task in [t for t in library.open_tasks(warning_id) if t.task_spec == "stand_by"]:
        library.complete_task(task)
    assert _standing_by(library, warning_id) == []

    (shown,) = _list(library)
    assert (shown.reference, shown.level, shown.status, shown.issuer) == (
        incident.reference, "orange", "active", "District Meteorological Observatory")


def _list(library: Library) -> list[warnings.WarningView]:
    with library.db.read() as session:
        return warnings.list_warnings(session=session)


def test_a_raised_then_lowered_warning_starts_again_at_each_level_and_is_lifted(library: Library) -> None:
    warning_id = _receive(library)
    library.complete_task(next(t for t in library.open_tasks(warning_id) if t.subject == "Grid 1"))
    raised = _change(library, warning_id, "raise", "red", reason="Red rainstorm warning issued at 14:00")
    assert (raised.level, raised.last_change) == ("red", "raise")
    assert _standing_by(library, warning_id) == RED_SEATS  # the red row: every seat stands by
    assert _grids(library, warning_id) == ["Grid 1", "Grid 2"]  # relayed again at the new level
    deadlines = {t.element: t.due_at for t in library.state(warning_id).timers}
    assert deadlines["relay_deadline"] == library.clock.now() + timedelta(minutes=30)  # red: within 30 minutes
    library.advance(minutes=61)  # red: reports every hour
    assert library.task(warning_id, "report_warning_situation")

    lowered = _change(library, warning_id, "lower", "yellow")
    assert lowered.level == "yellow"
    assert _standing_by(library, warning_id) == ["duty_officer", "grid_worker", "logistics"]
    assert library.open_elements(warning_id).count("report_warning_situation") == 0  # the old round is over

    with pytest.raises(InvalidInput) as refused:
        _change(library, warning_id, "raise", "blue")
    assert refused.value.fields["level"].code == "warning.level_not_higher"
    _change(library, warning_id, "lift", reason="Lifted by the observatory at 20:00")
    warning = library.incident(warning_id)
    assert (warning.status, warning.phase) == ("closed", "closed")
    assert library.open_tasks(warning_id) == [] and library.children(warning_id) == []
    assert [e["change"] for e in library.audit(warning_id, "warning_changed")] == ["raise", "lower", "lift"]


def test_a_warning_closes_when_it_expires(library: Library) -> None:
    warning_id = _receive(library, warning_level="blue")
    assert _standing_by(library, warning_id) == ["duty_officer", "grid_worker"]
    library.advance(hours=24, minutes=1)
    warning = library.incident(warning_id)
    assert (warning.status, warning.phase) == ("closed", "closed")
    assert library.open_tasks(warning_id) == []


@pytest.mark.parametrize(("level", "first_action"), [
    ("red", "evacuate exposed and vulnerable residents now"), ("blue", "watch the monitoring points")])
def test_a_warning_becomes_a_linked_incident(library: Library, level: str, first_action: str) -> None:
    warning_id = _receive(library, warning_level=level, event="gas_leak")
    _change(library, warning_id, "open_incident", reason="Gas explosion in building 3")
    assert library.incident(warning_id).status == "closed"
    (incident,) = library.children(warning_id)
    assert (incident.reference[:4], incident.category, incident.unit, incident.status) == (
        "INC-", "accident_disaster", UNIT, "active")
    (started,) = library.audit(incident.id, "incident_started")
    assert (started["process_id"], started["parent_id"]) == ("incident_lifecycle", warning_id)
    data = started["data"]
    assert (data["warning_reference"], data["warning_level"], data["warning_hazard_type"]) == (
        library.incident(warning_id).reference, level, "gas_leak")
    assert data["prepositioned"][0] == first_action  # the level's row of the pre-positioning table
    assert library.open_elements(incident.id) == [
        "first_response", "initial_report_phone", "initial_report_written", "record_report"]


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"warning_level": "purple"}, "warning_level", "field.one_of"),
    ({"grids": []}, "grids", "field.min_items"),
    ({"issuer": ""}, "issuer", "field.not_empty"),
    ({"expires": "tomorrow"}, "expires", "field.format"),
    ({"expires": "2020-01-01T00:00:00+08:00", "issued": "2019-12-31T00:00:00+08:00"}, "expires",
     "warning.already_expired"),
    ({"issued": "2030-01-02T00:00:00+08:00", "expires": "2030-01-01T00:00:00+08:00"}, "expires",
     "warning.expires_before_issued"),
])
def test_a_wrong_warning_is_refused_naming_the_field(library: Library, changes: dict[str, Any], field: str,
                                                     code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _receive(library, **changes)
    assert refused.value.fields[field].code == code
    assert _list(library) == []


def test_only_the_receiving_seats_take_warnings(library: Library) -> None:
    with pytest.raises(Forbidden):
        _receive(library, as_user="liu.fire")
    assert _receive(library, as_user="li.community")  # the community commander receives them too
    other = library.start("incident_lifecycle")
    with pytest.raises(NotFound):
        _change(library, other, "lift")
