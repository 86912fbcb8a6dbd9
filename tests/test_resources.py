"""The preparedness resources register: response tasks draw from it in their own command (a
reserve consumed, a shelter's places occupied), audited; a draw beyond what is held is refused
and changes nothing; a shortage or a reserve near its expiry gives logistics a task whose
completion restocks the register. Cached and restored from rows before every step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine import registers
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.incidents.replenishment import sweep_expiring
from engine.models import Resource, ResourceMovement
from tests.library_helpers import UNIT, Library


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _register(library: Library, *, as_user: str = "wu.logistics", **values: Any) -> int:
    fields = {"kind": "reserve", "name": "Sandbags", "unit": UNIT, "location": "Service station store",
              "measure": "bags", "quantity": 100, "minimum": 40, **values}
    with library.db.transaction() as session:
        return registers.register(session=session, actor=library.actors[as_user], **fields).id


def _resource(library: Library, resource_id: int) -> Resource:
    with library.db.read() as session:
        return registers.get_resource(session=session, resource_id=resource_id)


def _moved(library: Library, resource_id: int) -> list[tuple[str, int, int]]:
    with library.db.read() as session:
        return [(m.kind, m.quantity, m.available_after) for m in session.scalars(
            select(ResourceMovement).where(ResourceMovement.resource_id == resource_id).order_by(ResourceMovement.id))]


def _respond(library: Library) -> int:
    incident_id = library.start("incident_lifecycle")
    library.complete(incident_id, "record_report")
    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    library.complete(incident_id, "activate_response")
    return incident_id


def _department_task(library: Library, incident_id: int) -> str:
    return next(t.task_spec for t in library.open_tasks(incident_id) if t.form_key == "department_report")


def test_a_response_task_draws_and_a_shortage_gives_logistics_a_task(library: Library) -> None:
    sandbags = _register(library)
    shelter = _register(library, kind="shelter", name="School gym", measure="places", quantity=200, minimum=0)
    incident_id = _respond(library)
    element = _department_task(library, incident_id)
    library.complete(incident_id, element, draws=[{"resource_id": sandbags, "quantity": 70, "note": "Ramps"},
                                                  {"resource_id": shelter, "quantity": 120}])

    bags, gym = _resource(library, sandbags), _resource(library, shelter)
    assert (bags.quantity, bags.in_use, bags.available, bags.short) == (30, 0, 30, True)
    assert (gym.quantity, gym.in_use, gym.available) == (200, 120, 80)
    assert _moved(library, sandbags) == [("registered", 100, 100), ("drawn", 70, 30)]
    drawn = library.audit(incident_id, "resource_drawn")
    assert [(e["name"], e["quantity"], e["available"]) for e in drawn] == [
        ("Sandbags", 70, 30), ("School gym", 120, 80)]

    (replenish,) = [c for c in library.children(incident_id) if c.reference.startswith("RES")]
    assert bags.replenishment_incident_id == replenish.id
    task = library.task(replenish.id, "replenish_resource")
    assert (task.role, task.subject) == ("logistics", "shortage: Sandbags (30 bags left, minimum 40)")
    library.complete(replenish.id, "replenish_resource", {"quantity_added": 100})
    bags = _resource(library, sandbags)
    assert (bags.available, bags.short, bags.replenishment_incident_id) == (130, False, None)
    assert library.incident(replenish.id).status == "closed"


def test_drawing_more_than_is_held_is_refused_and_changes_nothing(library: Library) -> None:
    sandbags = _register(library, quantity=10, minimum=0)
    incident_id = _respond(library)
    element = _department_task(library, incident_id)
    with pytest.raises(InvalidInput) as refused:
        library.complete(incident_id, element, draws=[{"resource_id": sandbags, "quantity": 11}])
    assert refused.value.message.code == "resource.short"
    assert str(refused.value.message) == "cannot draw 11 bags of 'Sandbags': only 10 available; nothing was drawn"
    assert set(refused.value.fields) == {"draws.0.quantity"}
    with pytest.raises(InvalidInput) as together:  # two lines of one task count together
        library.complete(incident_id, element, draws=[{"resource_id": sandbags, "quantity": 6},
                                                      {"resource_id": sandbags, "quantity": 5}])
    assert set(together.value.fields) == {"draws.1.quantity"}
    assert _resource(library, sandbags).quantity == 10
    assert _moved(library, sandbags) == [("registered", 10, 10)]
    assert element in library.open_elements(incident_id)
    assert library.audit(incident_id, "resource_drawn") == []
    library.complete(incident_id, element, draws=[{"resource_id": sandbags, "quantity": 10}])
    assert _resource(library, sandbags).available == 0


def test_a_reserve_near_its_expiry_is_rotated_once(library: Library, clock: ManualClock) -> None:
    water = _register(library, name="Bottled water", measure="cases", quantity=50, minimum=10,
                      expires_at=clock.now() + timedelta(days=40))
    assert sweep_expiring(library.db) == []
    clock.advance(timedelta(days=11))
    (reference,) = sweep_expiring(library.db)
    assert reference.startswith("RES-") and sweep_expiring(library.db) == []  # never twice
    rotation = _resource(library, water).replenishment_incident_id
    assert library.task(rotation, "replenish_resource").subject == "expiring: Bottled water (50 cases left, minimum 10)"
    library.complete(rotation, "replenish_resource", {"quantity_added": 0, "new_expiry_date": "2027-06-30"})
    rotated = _resource(library, water)
    assert (rotated.expires_at.date().isoformat(), rotated.replenishment_incident_id) == ("2027-06-30", None)


def test_only_logistics_registers_resources(library: Library) -> None:
    with pytest.raises(Forbidden):
        _register(library, as_user="feng.grid")
    with library.db.read() as session:
        assert registers.list_resources(session=session) == []
