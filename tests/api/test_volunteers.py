"""The volunteer register over HTTP, on SQLite and PostgreSQL: the volunteer coordinator registers
volunteers and social organisations, anyone signed in reads the register filtered by skill and
availability; others are refused, and a wrong field is named."""

from __future__ import annotations

from tests.api.conftest import Api

TEAM = {"kind": "organisation", "name": "Hehua Red Cross", "skills": ["care_for_vulnerable", "first_aid"],
        "contact": "138 0000 0001", "unit": "Hehua Compound", "people": 4}


def test_the_coordinator_registers_and_everyone_reads_the_register(api: Api) -> None:
    coordinator = api.as_("volunteers")
    made = coordinator.post("/volunteers", TEAM)
    assert made.status_code == 201, made.text
    assert (made.json()["available"], made.json()["people"], made.json()["skills"]) == (
        True, 4, ["care_for_vulnerable", "first_aid"])
    assert coordinator.post("/volunteers", {**TEAM, "kind": "volunteer", "name": "Wu Xia", "skills": ["guidance"],
                                            "people": 1}).status_code == 201
    grid = api.as_("grid")
    assert [v["name"] for v in grid.get("/volunteers").json()] == ["Hehua Red Cross", "Wu Xia"]
    assert [v["name"] for v in grid.get("/volunteers?skill=guidance").json()] == ["Wu Xia"]
    assert [v["name"] for v in grid.get("/volunteers?available=false").json()] == []
    assert grid.get(f"/volunteers/{made.json()['id']}").json()["contact"] == "138 0000 0001"
    assert grid.get("/volunteers/999999").status_code == 404
    assert grid.get("/volunteers?skill=juggling").status_code == 422


def test_registering_is_for_the_coordinator_and_names_the_wrong_field(api: Api) -> None:
    assert api.as_("grid").post("/volunteers", TEAM).status_code == 403
    bad = api.as_("volunteers").post("/volunteers", {**TEAM, "skills": ["juggling"], "people": 0, "contact": ""})
    assert bad.status_code == 422
    assert {"skills", "people", "contact"} <= {path.split(".")[1] for path in bad.json()["error"]["fields"]}
    assert api.client.get("/volunteers").status_code == 401
