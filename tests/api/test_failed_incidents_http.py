"""Over HTTP: a timer whose next step fails is retried, stops the incident as failed, shows what
failed and the data it saw; the commander sets the missing variable and retries, and the incident
runs to closed. An administrator moves another incident to a fixed version of its process, after
a version lacking its timer is refused naming it. Both databases."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import RetryPolicy, timers
from tests.api.conftest import Api
from tests.ops.test_failed_incidents import BUNDLE, FIXED

POLICY = RetryPolicy(attempts=2, first_delay=timedelta(minutes=5))


def deploy(api: Api, *changes: tuple[str, str]) -> int:
    content = (BUNDLE / "timer_fix.bpmn").read_text()
    for old, new in changes:
        content = content.replace(old, new)
    response = api.as_("admin").post("/definitions", files=[("files", ("timer_fix.bpmn", content.encode(),
                                                                       "application/xml"))])
    assert response.status_code == 201, response.text
    return int(response.json()["definitions"][0]["version"])


def later(api: Api, clock: ManualClock, delta: timedelta) -> None:
    """Let time pass; the tokens issued before have expired by then: everyone signs in again."""
    clock.advance(delta)
    api.tokens.clear()


def waiting_on_the_timer(api: Api) -> str:
    ref = api.as_("duty").start(process_id="timer_fix", title="Follow-up watch")["reference"]
    assert api.as_("duty").complete(ref, "first_report", {"verified": True}).status_code == 200
    return ref


def test_failed_then_fixed_then_resumed_then_closed(api: Api, db: Database, clock: ManualClock) -> None:
    deploy(api)
    ref = waiting_on_the_timer(api)
    later(api, clock, timedelta(hours=1, minutes=1))
    assert timers.sweep(db, policy=POLICY).failed == [ref]
    state = api.as_("duty").get(f"/incidents/{ref}").json()
    assert state["incident"]["status"] == "active"
    assert {k: state["failure"][k] for k in ("state", "attempts", "element")} == {
        "state": "retrying", "attempts": 1, "element": "weigh_follow_up"}
    later(api, clock, timedelta(minutes=5))
    assert timers.sweep(db, policy=POLICY).failed == [ref]

    state = api.as_("duty").get(f"/incidents/{ref}").json()
    assert state["incident"]["status"] == "failed"
    failure = state["failure"]
    assert (failure["state"], failure["attempts"], failure["element_name"]) == ("stopped", 2, "Weigh the follow-up")
    assert "threshold" in failure["error"] and "data" not in failure  # the data: for overseers only
    assert api.as_("fire").get(f"/incidents/{ref}/failures").status_code == 403
    shown = api.as_("commander").get(f"/incidents/{ref}/failures").json()
    assert [f["data"]["verified"] for f in shown] == [True]

    # The fix: a variable, with a reason, by the commander only; each input named when wrong.
    url = f"/incidents/{ref}/variables/threshold"
    assert api.as_("fire").put(url, {"value": 2, "reason": "guess"}).status_code == 403
    missing = api.as_("commander").put(url, {"value": 2, "reason": ""})
    assert missing.status_code == 422 and "reason" in str(missing.json()["error"]["fields"])
    bad_name = api.as_("commander").put(f"/incidents/{ref}/variables/1st", {"value": 2, "reason": "x"})
    assert bad_name.status_code == 422 and "name" in bad_name.json()["error"]["fields"]
    assert api.as_("commander").put(url, {"value": 2, "reason": "the district's threshold"}).status_code == 200

    assert api.as_("fire").post(f"/incidents/{ref}/retry", {"reason": "fixed"}).status_code == 403
    retried = api.as_("commander").post(f"/incidents/{ref}/retry", {"reason": "threshold set"})
    assert retried.status_code == 200, retried.text
    assert retried.json()["failure"] is None and retried.json()["incident"]["status"] == "active"
    assert api.as_("commander").post(f"/incidents/{ref}/retry", {"reason": "again"}).status_code == 409
    assert api.as_("duty").get(f"/incidents/{ref}").json()["failure"] is None

    assert api.as_("duty").complete(ref, "follow_up_report", {"verified": True}).status_code == 200
    assert api.as_("duty").get(f"/incidents/{ref}").json()["incident"]["status"] == "closed"
    actions = [e["action"] for e in api.as_("commander").get(f"/incidents/{ref}/timeline").json()["items"]]
    for expected in ("timer_failed", "incident_failed", "variable_set", "incident_retried", "failure_resolved",
                     "incident_closed"):
        assert expected in actions


def test_an_admin_moves_a_failed_incident_to_a_fixed_version(api: Api, db: Database, clock: ManualClock) -> None:
    deploy(api)
    ref = waiting_on_the_timer(api)
    later(api, clock, timedelta(hours=2))
    timers.sweep(db, policy=RetryPolicy(attempts=1))
    assert api.as_("duty").get(f"/incidents/{ref}").json()["incident"]["status"] == "failed"

    renamed = deploy(api, ("follow_up_due", "follow_up_timer"))
    refused = api.as_("admin").post(f"/incidents/{ref}/migrate", {"to_version": renamed})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].endswith("no counterpart there: follow_up_due")
    fixed = deploy(api, *FIXED)
    assert api.as_("commander").post(f"/incidents/{ref}/migrate", {"to_version": fixed}).status_code == 403
    assert api.as_("admin").post(f"/incidents/{ref}/migrate", {"to_version": 99}).status_code == 404
    before = api.as_("admin").get(f"/incidents/{ref}").json()["incident"]["definition_id"]
    moved = api.as_("admin").post(f"/incidents/{ref}/migrate", {"to_version": fixed})
    assert moved.status_code == 200, moved.text
    assert moved.json()["definition_id"] != before
    assert api.as_("admin").post(f"/incidents/{ref}/retry", {"reason": "version 3"}).json()["failure"] is None
    assert api.as_("duty").complete(ref, "call_street", {"done": True}).status_code == 200
    assert api.as_("duty").complete(ref, "follow_up_report", {"verified": True}).status_code == 200
    assert api.as_("duty").get(f"/incidents/{ref}").json()["incident"]["status"] == "closed"
