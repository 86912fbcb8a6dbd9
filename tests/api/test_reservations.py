"""Reserving for an incident over HTTP, on SQLite and PostgreSQL: the commander's activation
reserves (too much is refused naming the field, and changes nothing), the resource shows reserved
beside available and who holds it, another incident's task cannot draw it, logistics gives part of
it back (others are refused, too much names `quantity`), and ending the incident releases the rest."""

from __future__ import annotations

from typing import Any

from engine.clock import ManualClock
from engine.db import Database
from tests.api.conftest import Api
from tests.api.test_resources import SANDBAGS
from tests.library_helpers import FORM_SAMPLES, Library
from tests.test_reservations import _to_activation

GYM = {**SANDBAGS, "kind": "shelter", "name": "School gym", "measure": "places", "quantity": 100, "minimum": 0}


def _activation(gym: int, quantity: int) -> dict[str, Any]:
    return {**FORM_SAMPLES["response_activation"], "reserves": [{"resource_id": gym, "quantity": quantity}]}


def test_reserve_draw_elsewhere_release_and_end_over_http(api: Api, db: Database, clock: ManualClock) -> None:
    library = Library(db, clock)
    gym = api.as_("logistics").post("/resources", GYM).json()["id"]
    ref = library.incident(_to_activation(library)).reference
    commander, grid = api.as_("commander"), api.as_("grid")

    refused = commander.complete(ref, "activate_response", _activation(gym, 101))
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["message_code"] == "resource.reserve_short"
    assert error["fields"] == {"reserves.0.quantity": "at most 100"}
    unchanged = grid.get(f"/resources/{gym}").json()
    assert (unchanged["reserved"], unchanged["available"], unchanged["reservations"]) == (0, 100, [])

    assert commander.complete(ref, "activate_response", _activation(gym, 60)).status_code == 200
    shown = grid.get(f"/resources/{gym}").json()
    assert (shown["quantity"], shown["in_use"], shown["reserved"], shown["available"]) == (100, 0, 60, 40)
    (held,) = shown["reservations"]
    assert (held["incident_reference"], held["held"], held["drawn"], held["released"]) == (ref, 60, 0, 0)
    assert [(m["kind"], m["quantity"], m["available_after"], m["reserved_after"]) for m in shown["movements"]] == [
        ("reserved", 60, 40, 60), ("registered", 100, 100, 0)]
    assert [r["resource_name"] for r in grid.get(f"/incidents/{ref}/reservations").json()] == ["School gym"]
    fire_task = commander.task_of(ref, "fire_rescue")["id"]  # a task that draws sees what its incident holds
    assert [(r["resource_id"], r["held"]) for r in api.as_("fire").get(f"/tasks/{fire_task}").json()["reserved"]] == [
        (gym, 60)]
    assert [r["name"] for r in grid.get("/resources?short=true").json()] == []

    other = _to_activation(library)
    library.complete(other, "activate_response", as_user="li.community")
    drawn = api.as_("fire").complete(library.incident(other).reference, "fire_rescue", {
        **FORM_SAMPLES["department_report"], "draws": [{"resource_id": gym, "quantity": 41}]})
    assert drawn.status_code == 422 and drawn.json()["error"]["fields"] == {"draws.0.quantity": "at most 40"}

    release = f"/reservations/{held['id']}/release"
    assert grid.post(release, {"quantity": 10}).status_code == 403
    too_much = api.as_("logistics").post(release, {"quantity": 61})
    assert too_much.status_code == 422 and too_much.json()["error"]["fields"] == {"quantity": "at most 60"}
    given = api.as_("logistics").post(release, {"quantity": 10, "note": "The street store covers it"})
    assert given.status_code == 200, given.text
    assert (given.json()["held"], given.json()["released"]) == (50, 10)

    ended = commander.post(f"/incidents/{ref}/end", {"reason": "Leak closed", "outcome": "closed"})
    assert ended.status_code == 200, ended.text
    (after,) = grid.get(f"/incidents/{ref}/reservations").json()
    assert (after["held"], after["released"]) == (0, 60)
    assert grid.get(f"/resources/{gym}").json()["available"] == 100
    assert grid.get("/incidents/INC-2026-99999/reservations").status_code == 404
    assert grid.post("/reservations/999999/release", {}).status_code == 403
    assert api.as_("logistics").post("/reservations/999999/release", {}).status_code == 404
