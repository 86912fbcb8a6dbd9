"""A rework loop through the API: a model with a gateway back-edge deploys, runs pass after pass,
and every pass stays in the incident's record (its timeline and its completed tasks)."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import Api

REWORK = Path(__file__).resolve().parents[1] / "fixtures" / "foreign" / "camunda_rework.bpmn"
PASSES = 12


def test_a_rework_loop_runs_through_the_api_and_keeps_every_pass(api: Api) -> None:
    deployed = api.as_("admin").post("/definitions", key="deploy-rework",
                                     files=[("files", (REWORK.name, REWORK.read_bytes(), "application/xml"))])
    assert deployed.status_code == 201, deployed.text
    ref = api.as_("duty").start(process_id="camunda_rework")["reference"]
    grid, commander = api.as_("grid"), api.as_("commander")
    for n in range(PASSES):
        assert grid.complete(ref, "Activity_submit", {"done": True, "comment": f"plan {n}"}).status_code == 200
        assert commander.complete(ref, "Activity_review", {"verified": False}).status_code == 200
        assert grid.complete(ref, "Activity_fix", {"done": True}).status_code == 200
    assert grid.complete(ref, "Activity_submit", {"done": True}).status_code == 200
    assert commander.complete(ref, "Activity_review", {"verified": True}).status_code == 200

    state = api.as_("admin").get(f"/incidents/{ref}").json()
    assert state["incident"]["status"] == "closed" and state["open_tasks"] == []
    events = api.as_("admin").get(f"/incidents/{ref}/timeline", params={"limit": 500}).json()["items"]
    completed = [e["payload"] for e in events if e["action"] == "task_completed"]
    assert len(completed) == PASSES * 3 + 2
    plans = [p for p in completed if (p.get("data") or {}).get("comment", "").startswith("plan ")]
    assert [p["data"]["comment"] for p in plans] == [f"plan {n}" for n in range(PASSES)]
