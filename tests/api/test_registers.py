"""The registers over HTTP: the hazard register and improvement actions are listed and filtered
by anyone signed in, with cursor paging; they change only through tasks, so there is no write route."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import ManualClock
from engine.db import Database
from engine.models import EmergencyPlan, Hazard, ImprovementAction
from tests.api.conftest import Api


def _seed(db: Database, clock: ManualClock, incident_id: int) -> None:
    now = clock.now()
    with db.transaction() as session:
        for n, (grade, status, days) in enumerate([("major", "open", -1), ("general", "open", 5),
                                                   ("general", "rectified", -3)]):
            session.add(Hazard(incident_id=incident_id, unit="Hehua Compound", location=f"Building {n}",
                               facility="gas", description="Leaking valve", grade=grade, owner_seat="grid_worker",
                               deadline=now + timedelta(days=days), status=status, note=None, found_by="grid",
                               found_at=now, updated_at=now))
        session.add(ImprovementAction(incident_id=incident_id, source="drill", title="Keep a valve key",
                                      owner_seat="plan_owner", plan_unit="Hehua Compound",
                                      due_at=now - timedelta(days=1), status="open", created_by="x",
                                      created_at=now))
        session.add(EmergencyPlan(unit="Hehua Compound", version=1, summary="v1", content="...",
                                  drafted_by="a", approved_by="b", published_at=now))


def test_hazards_and_actions_are_listed_filtered_and_paged(api: Api, db: Database, clock: ManualClock,
                                                          deployed: None) -> None:
    incident = api.as_("duty").start()
    _seed(db, clock, incident["id"])
    grid = api.as_("grid")
    everything = grid.get("/hazards").json()
    assert [h["location"] for h in everything["items"]] == ["Building 2", "Building 1", "Building 0"]
    assert [h["location"] for h in grid.get("/hazards?grade=major").json()["items"]] == ["Building 0"]
    assert [h["location"] for h in grid.get("/hazards?overdue=true").json()["items"]] == ["Building 0"]
    first = grid.get("/hazards?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    rest = grid.get(f"/hazards?limit=2&cursor={first['next_cursor']}").json()
    assert [h["location"] for h in rest["items"]] == ["Building 0"] and rest["next_cursor"] is None
    one = grid.get(f"/hazards/{first['items'][0]['id']}")
    assert one.status_code == 200 and one.json()["grade"] == "general"
    assert grid.get("/hazards/999999").status_code == 404
    assert grid.get("/hazards?grade=enormous").status_code == 422

    actions = grid.get("/improvement-actions?overdue=true").json()["items"]
    assert [a["title"] for a in actions] == ["Keep a valve key"]
    assert grid.get("/plans?unit=Hehua%20Compound").json()[0]["version"] == 1


def test_registers_need_a_signed_in_user_and_offer_no_direct_edits(api: Api, deployed: None) -> None:
    assert api.client.get("/hazards").status_code == 401
    assert api.as_("admin").post("/hazards", {"location": "x"}).status_code == 405
