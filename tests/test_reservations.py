"""Reserving resources for an incident (预留), through the engine's services on SQLite and
PostgreSQL: the commander's activation reserves in the command's transaction (a movement and an
audit event each); what others may draw or reserve is quantity − in use − reserved; the incident's
later tasks (sheltering in the response, relief in recovery) draw against its reservation first;
what is left is released when the incident closes, or by logistics. Reserving more than is
available is refused naming the field and changes nothing; a second incident cannot draw what the
first holds; two reservations at the same moment never oversell. Cached and restored from rows."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine import incidents, registers
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.models import ResourceReservation
from tests.library_helpers import Library
from tests.test_resources import _moved, _register, _resource


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _held(library: Library, incident_id: int) -> dict[int, tuple[int, int, int]]:
    """resource id -> (held, drawn, released) of the incident's reservations."""
    with library.db.read() as session:
        return {r.resource_id: (r.held, r.drawn, r.released) for r in session.scalars(
            select(ResourceReservation).where(ResourceReservation.incident_id == incident_id))}


def _figures(library: Library, resource_id: int) -> tuple[int, int, int, int]:
    r = _resource(library, resource_id)
    return r.quantity, r.in_use, r.reserved, r.available


def _to_activation(library: Library) -> int:
    """An incident whose commander is about to activate the response."""
    incident_id = library.start("incident_lifecycle")
    for element in ("first_response", "initial_report_phone", "initial_report_written", "record_report"):
        library.complete(incident_id, element)
    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    return incident_id


def _close(library: Library, incident_id: int, *, relief: list[dict[str, int]]) -> None:
    """The response over, recovery (relief drawing `relief`) and learning, to the process's end."""
    library.message(incident_id, "response_over", {"summary": "Leak closed, residents back home."})
    for element in ("final_report", "damage_statistics", "verify_statistics", "loss_assessment"):
        library.complete(incident_id, element)
    library.complete(incident_id, "relief_distribution", draws=relief)
    for element in ("requisition_compensation", "reconstruction_plan", "after_action_review", "review_report"):
        library.complete(incident_id, element)
    assert library.incident(incident_id).status == "closed"


def test_the_activation_reserves_later_tasks_draw_against_it_and_the_close_releases_the_rest(
        library: Library) -> None:
    gym = _register(library, kind="shelter", name="School gym", measure="places", quantity=200, minimum=0)
    water = _register(library, name="Bottled water", measure="cases", quantity=50, minimum=5)
    incident_id = library.respond(evacuation_ordered=True, evacuation_area="Buildings 2-4", reserves=[
        {"resource_id": gym, "quantity": 150, "note": "Evacuees of buildings 2-4"},
        {"resource_id": water, "quantity": 20}])

    assert _figures(library, gym) == (200, 0, 150, 50)
    assert _figures(library, water) == (50, 0, 20, 30)
    assert _held(library, incident_id) == {gym: (150, 0, 0), water: (20, 0, 0)}
    assert _moved(library, gym) == [("registered", 200, 200), ("reserved", 150, 50)]
    assert [(e["name"], e["quantity"], e["available"], e["reserved"]) for e in library.audit(
        incident_id, "resource_reserved")] == [("School gym", 150, 50, 150), ("Bottled water", 20, 30, 20)]

    library.complete(incident_id, "evacuate_residents")
    library.complete(incident_id, "open_shelters", draws=[{"resource_id": gym, "quantity": 120}])
    assert _figures(library, gym) == (200, 120, 30, 50)  # reserved places became occupied ones
    assert _held(library, incident_id)[gym] == (30, 120, 0)
    for element in ("fire_rescue", "medical_care", "police_traffic"):
        library.complete(incident_id, element)

    _close(library, incident_id, relief=[{"resource_id": water, "quantity": 26}])  # 20 reserved + 6 free
    assert library.audit(incident_id, "resource_drawn")[-1]["from_reserved"] == 20
    assert _figures(library, water) == (24, 0, 0, 24)
    # closed: the 30 places still held go back to everyone, audited
    assert _figures(library, gym) == (200, 120, 0, 80)
    assert _held(library, incident_id) == {gym: (0, 120, 30), water: (0, 20, 0)}
    assert _moved(library, gym)[-1] == ("released", 30, 80)
    assert [(e["name"], e["quantity"]) for e in library.audit(incident_id, "resource_released")] == [
        ("School gym", 30)]


def test_reserving_more_than_is_available_is_refused_naming_the_field_and_changes_nothing(
        library: Library) -> None:
    sandbags = _register(library, quantity=50, minimum=0)
    first = library.respond(reserves=[{"resource_id": sandbags, "quantity": 30}])
    second = _to_activation(library)

    with pytest.raises(InvalidInput) as refused:
        library.complete(second, "activate_response", reserves=[{"resource_id": sandbags, "quantity": 21}])
    assert refused.value.message.code == "resource.reserve_short"
    assert str(refused.value.message) == ("cannot reserve 21 bags of 'Sandbags': only 20 available; "
                                          "nothing was reserved")
    assert {k: str(v) for k, v in refused.value.fields.items()} == {"reserves.0.quantity": "at most 20"}
    with pytest.raises(InvalidInput) as together:  # two lines of one task count together
        library.complete(second, "activate_response", reserves=[{"resource_id": sandbags, "quantity": 15},
                                                               {"resource_id": sandbags, "quantity": 6}])
    assert {k: str(v) for k, v in together.value.fields.items()} == {"reserves.1.quantity": "at most 5"}
    with pytest.raises(InvalidInput) as unknown:  # a mistyped register number is named too
        library.complete(second, "activate_response", reserves=[{"resource_id": sandbags, "quantity": 1},
                                                               {"resource_id": 999_999, "quantity": 1}])
    assert {k: str(v) for k, v in unknown.value.fields.items()} == {"reserves.1.resource_id": "no such register number"}

    assert _figures(library, sandbags) == (50, 0, 30, 20)
    assert _moved(library, sandbags) == [("registered", 50, 50), ("reserved", 30, 20)]
    assert _held(library, second) == {} and library.audit(second, "resource_reserved") == []
    assert "activate_response" in library.open_elements(second)
    library.complete(second, "activate_response", reserves=[{"resource_id": sandbags, "quantity": 20}])
    assert _figures(library, sandbags) == (50, 0, 50, 0)
    assert _held(library, first) == {sandbags: (30, 0, 0)} and _held(library, second) == {sandbags: (20, 0, 0)}


def test_a_second_incident_cannot_draw_what_the_first_reserved(library: Library) -> None:
    sandbags = _register(library, quantity=100, minimum=0)
    first = library.respond(reserves=[{"resource_id": sandbags, "quantity": 80}])
    second = library.respond()

    with pytest.raises(InvalidInput) as refused:
        library.complete(second, "fire_rescue", draws=[{"resource_id": sandbags, "quantity": 21}])
    assert str(refused.value.message) == "cannot draw 21 bags of 'Sandbags': only 20 available; nothing was drawn"
    assert set(refused.value.fields) == {"draws.0.quantity"}
    assert _figures(library, sandbags) == (100, 0, 80, 20)
    library.complete(second, "fire_rescue", draws=[{"resource_id": sandbags, "quantity": 20}])
    assert _figures(library, sandbags) == (80, 0, 80, 0)

    # the first draws what it holds even though nothing is left to anyone else
    library.complete(first, "fire_rescue", draws=[{"resource_id": sandbags, "quantity": 80}])
    assert _figures(library, sandbags) == (0, 0, 0, 0)
    assert _held(library, first) == {sandbags: (0, 80, 0)}
    assert [e["from_reserved"] for e in library.audit(second, "resource_drawn")] == [0]


def test_a_shortage_after_reserving_gives_logistics_a_task(library: Library) -> None:
    sandbags = _register(library, quantity=100, minimum=40)
    incident_id = library.respond(reserves=[{"resource_id": sandbags, "quantity": 70}])
    (replenish,) = [c for c in library.children(incident_id) if c.reference.startswith("RES")]
    assert _resource(library, sandbags).replenishment_incident_id == replenish.id
    assert library.task(replenish.id, "replenish_resource").subject == "shortage: Sandbags (30 bags left, minimum 40)"


def test_logistics_releases_by_hand_and_ending_the_incident_releases_the_rest(library: Library) -> None:
    sandbags = _register(library, quantity=100, minimum=0)
    incident_id = library.respond(reserves=[{"resource_id": sandbags, "quantity": 60}])
    (reservation,) = [h.reservation.id for h in _holdings(library, incident_id)]

    def release(as_user: str, quantity: int | None) -> None:
        with library.db.transaction() as session:
            registers.release(session=session, actor=library.actors[as_user], reservation_id=reservation,
                              quantity=quantity, note="Street store covers the rest")

    with pytest.raises(Forbidden):
        release("feng.grid", 10)
    with pytest.raises(InvalidInput) as refused:
        release("wu.logistics", 61)
    assert refused.value.message.code == "reservation.release_more"
    assert {k: str(v) for k, v in refused.value.fields.items()} == {"quantity": "at most 60"}
    assert _figures(library, sandbags) == (100, 0, 60, 40)
    release("wu.logistics", 25)
    assert _figures(library, sandbags) == (100, 0, 35, 65)
    assert _held(library, incident_id) == {sandbags: (35, 0, 25)}
    assert library.audit(incident_id, "resource_released")[0]["note"] == "Street store covers the rest"

    with library.db.transaction() as session:  # cancelled by its commander: what it holds goes back too
        incidents.end(session=session, actor=library.actors["li.community"], incident_id=incident_id,
                      reason="False alarm", outcome="cancelled")
    assert _figures(library, sandbags) == (100, 0, 0, 100)
    assert _held(library, incident_id) == {sandbags: (0, 0, 60)}
    assert _moved(library, sandbags)[-2:] == [("released", 25, 65), ("released", 35, 100)]


def _holdings(library: Library, incident_id: int) -> list[registers.Holding]:
    with library.db.read() as session:
        return registers.holdings(session=session, incident_id=incident_id)


def test_two_reservations_at_the_same_moment_never_oversell(db: Database, clock: ManualClock) -> None:
    library = Library(db, clock)
    sandbags = _register(library, quantity=100, minimum=0)
    waiting = [library.task(_to_activation(library), "activate_response") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def activate(task_index: int) -> None:
        barrier.wait()
        try:
            library.complete_task(waiting[task_index], reserves=[{"resource_id": sandbags, "quantity": 60}])
            outcomes.append("reserved")
        except InvalidInput as exc:
            outcomes.append(exc.message.code)

    threads = [threading.Thread(target=activate, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["reserved", "resource.reserve_short"]
    assert _figures(library, sandbags) == (100, 0, 60, 40)
    assert [kind for kind, _, _ in _moved(library, sandbags)] == ["registered", "reserved"]
