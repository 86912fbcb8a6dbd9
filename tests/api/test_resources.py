"""The resources register over HTTP, on SQLite and PostgreSQL: logistics registers a reserve,
anyone signed in reads the register, filtered to what is short or expiring; others are refused,
and a wrong field is named."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import ManualClock
from tests.api.conftest import Api

SANDBAGS = {"kind": "reserve", "name": "Sandbags", "unit": "Hehua Compound", "location": "Station store",
            "measure": "bags", "quantity": 30, "minimum": 40}


def test_logistics_registers_and_everyone_reads_the_register(api: Api, clock: ManualClock) -> None:
    logistics = api.as_("logistics")
    made = logistics.post("/resources", SANDBAGS)
    assert made.status_code == 201, made.text
    assert (made.json()["available"], made.json()["short"]) == (30, True)
    water = {**SANDBAGS, "name": "Bottled water", "quantity": 50, "minimum": 10,
             "expires_at": (clock.now() + timedelta(days=5)).isoformat()}
    assert logistics.post("/resources", water).status_code == 201
    grid = api.as_("grid")
    assert [r["name"] for r in grid.get("/resources").json()] == ["Bottled water", "Sandbags"]
    assert [r["name"] for r in grid.get("/resources?short=true").json()] == ["Sandbags"]
    assert [r["name"] for r in grid.get("/resources?expiring=true").json()] == ["Bottled water"]
    one = grid.get(f"/resources/{made.json()['id']}").json()
    assert [(m["kind"], m["quantity"]) for m in one["movements"]] == [("registered", 30)]
    assert grid.get("/resources/999999").status_code == 404


def test_registering_is_for_logistics_and_names_the_wrong_field(api: Api) -> None:
    assert api.as_("grid").post("/resources", SANDBAGS).status_code == 403
    bad = api.as_("logistics").post("/resources", {**SANDBAGS, "kind": "gold", "quantity": -1})
    assert bad.status_code == 422
    assert {"kind", "quantity"} <= {path.split(".")[-1] for path in bad.json()["error"]["fields"]}
    assert api.client.get("/resources").status_code == 401
