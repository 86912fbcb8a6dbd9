"""A whole incident of `community_incident` driven over HTTP by each seat, report to closed,
with every refusal along the way (401, 403, 404, 409, 422)."""

from __future__ import annotations

import json
from datetime import timedelta

from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from tests.api.conftest import Api

BY_ROLE = {"duty_officer": "duty", "commander": "commander", "fire": "fire", "medical": "medical",
           "grid_worker": "grid", "recovery_officer": "recovery"}
DECISION = {
    "situation": "Fire lane blocked by parked cars; the engine cannot reach building 3.",
    "options_considered": ["Wait for the owners", "Tow the cars now"],
    "choice": "Tow the cars now", "rationale": "Four residents trapped.",
    "authority_basis": "Level II response; on-scene command authority",
    "departs_from_plan": True, "urgency": "immediate",
}


def _complete_as_seat(api: Api, ref: str, element: str) -> dict:
    task = api.as_("admin").task_of(ref, element)
    response = api.as_(BY_ROLE[task["role"]]).complete(ref, element)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_seat_works_an_incident_from_report_to_closed(
        api: Api, deployed: None, db: Database, clock: ManualClock) -> None:
    # Reporting: duty officers may, people without a start seat may not, strangers are 401.
    assert api.client.post("/incidents", json={}).status_code == 401
    refused = api.as_("outsider").post("/incidents", {"process_id": "community_incident", "title": "x",
                                                      "category": "natural_disaster", "unit": "u"})
    assert refused.status_code == 403 and "duty officer" in refused.json()["error"]["message"]
    incident = api.as_("duty").start(title="Gas explosion at Hehua Compound")
    ref = incident["reference"]
    assert incident["status"] == "active" and incident["phase"] == "response"

    # The inbox shows a seat's own tasks; a task is shown only to its seat, commander, auditor.
    inbox = api.as_("duty").get("/tasks/inbox").json()
    assert [t["task_spec"] for t in inbox] == ["record_report"]
    assert api.as_("fire").get("/tasks/inbox").json() == []
    task_id = inbox[0]["id"]
    shown = api.as_("duty").get(f"/tasks/{task_id}").json()
    assert shown["form_schema"]["type"] == "object" and "deaths" in shown["form_schema"]["properties"]
    assert api.as_("fire").get(f"/tasks/{task_id}").status_code == 403
    assert api.as_("commander").get(f"/tasks/{task_id}").status_code == 200
    assert api.as_("auditor").get(f"/tasks/{task_id}").status_code == 200
    assert api.as_("duty").get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404
    # The incident's state lists open tasks of one's own seats only (all of them for overseers).
    assert [t["id"] for t in api.as_("duty").get(f"/incidents/{ref}").json()["open_tasks"]] == [task_id]
    assert api.as_("fire").get(f"/incidents/{ref}").json()["open_tasks"] == []

    # Invalid form data: 422 naming each field; the wrong seat: 403; nothing changes.
    bad = api.as_("duty").post(f"/tasks/{task_id}/complete", {"data": {"category": "meteor", "deaths": -1}})
    assert bad.status_code == 422
    assert {"category", "deaths", "location"} <= set(bad.json()["error"]["fields"])
    wrong_seat = api.as_("fire").complete(ref, "record_report")
    assert wrong_seat.status_code == 403 and "duty_officer" in wrong_seat.json()["error"]["message"]
    assert api.as_("auditor").complete(ref, "record_report").status_code == 403

    done = _complete_as_seat(api, ref, "record_report")
    assert done["state"] == "completed" and done["completed_by"] == "duty"
    again = api.as_("duty").post(f"/tasks/{task_id}/complete", {"data": done})
    assert again.status_code in (409, 422)
    again = api.as_("duty").post(f"/tasks/{task_id}/complete",
                                 {"data": {"category": "natural_disaster", "location": "x", "deaths": 0,
                                           "seriously_injured": 0, "missing": 0, "trapped": 0,
                                           "relocated": 0, "economic_loss": 0}})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    state = api.as_("commander").get(f"/incidents/{ref}").json()
    assert state["incident"]["response_level"] == "II"
    for element in ("report_to_district", "activate_response"):
        _complete_as_seat(api, ref, element)
    assert sorted(t["task_spec"] for t in api.as_("commander").get(f"/incidents/{ref}").json()["open_tasks"]) \
        == ["fire_rescue", "medical_care"]

    # The fire deadline passes: the timer worker escalates to the commander.
    _complete_as_seat(api, ref, "medical_care")
    clock.advance(timedelta(minutes=31))
    timers.sweep(db)
    api.tokens.clear()  # 31 minutes outlive a 15-minute token: everyone logs in again
    escalation = api.as_("commander").get("/tasks/inbox").json()
    assert [t["task_spec"] for t in escalation] == ["escalate_fire_delay"]
    _complete_as_seat(api, ref, "escalate_fire_delay")

    # On-scene decisions: the commander records; others may not; readers are limited.
    assert api.as_("fire").post(f"/incidents/{ref}/decisions", DECISION).status_code == 403
    assert api.as_("auditor").post(f"/incidents/{ref}/decisions", DECISION).status_code == 403
    decision = api.as_("commander").post(f"/incidents/{ref}/decisions", DECISION)
    assert decision.status_code == 201 and decision.json()["flagged_for_review"] is True
    assert api.as_("fire").get(f"/incidents/{ref}/decisions").status_code == 403
    listed = api.as_("reviewer").get(f"/incidents/{ref}/decisions").json()
    assert [d["choice"] for d in listed] == ["Tow the cars now"]
    assert api.as_("auditor").get(f"/decisions/{decision.json()['id']}").status_code == 200
    _complete_as_seat(api, ref, "fire_rescue")

    # Messages advance the incident: the commander only.
    refused = api.as_("duty").post(f"/incidents/{ref}/messages", {"name": "response_over"})
    assert refused.status_code == 403 and "commander" in refused.json()["error"]["message"]
    moved = api.as_("commander").post(f"/incidents/{ref}/messages", {"name": "response_over"})
    assert moved.status_code == 200 and moved.json()["phase"] == "recovery"

    # Seating someone on this incident: its commander may, a staff member may not.
    assert api.as_("fire").post(f"/incidents/{ref}/seats", {"username": "outsider", "role": "grid_worker"}) \
        .status_code == 403
    seated = api.as_("commander").post(f"/incidents/{ref}/seats", {"username": "outsider", "role": "grid_worker"})
    assert seated.status_code == 201 and seated.json()["incident_id"] == incident["id"]
    seats = api.as_("outsider").get("/me").json()["seats"]
    assert [(s["role"], s["incident_reference"]) for s in seats] == [("grid_worker", ref)]

    for element in ("damage_statistics", "verify_statistics", "relief_distribution"):
        _complete_as_seat(api, ref, element)
    assert api.as_("admin").get(f"/incidents/{ref}").json()["incident"]["phase"] == "learning"
    _complete_as_seat(api, ref, "after_action_review")

    final = api.as_("commander").get(f"/incidents/{ref}").json()
    assert (final["incident"]["status"], final["incident"]["phase"]) == ("closed", "closed")
    assert [p["phase"] for p in final["phase_history"]] == ["response", "recovery", "learning", "closed"]

    # The record: timeline for the commander and auditors, not for staff; the chain verifies.
    assert api.as_("fire").get(f"/incidents/{ref}/timeline").status_code == 403
    timeline = api.as_("commander").get(f"/incidents/{ref}/timeline?limit=500").json()["items"]
    actions = [e["action"] for e in timeline]
    assert actions[0] == "incident_started" and "decision_recorded" in actions and "timers_fired" in actions
    assert api.as_("fire").get("/audit/verify").status_code == 403
    verified = api.as_("auditor").get("/audit/verify").json()
    assert verified["ok"] is True and verified["first_break"] is None
    export = api.as_("auditor").get(f"/audit/export?incident={ref}")
    assert export.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert [e["action"] for e in lines] == actions


def test_claim_release_reassign_and_ending_an_incident(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    task_id = api.as_("duty").task_of(ref, "record_report")["id"]

    assert api.as_("fire").post(f"/tasks/{task_id}/claim").status_code == 403
    claimed = api.as_("duty").post(f"/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json()["assignee_id"] is not None
    assert api.as_("outsider").post(f"/tasks/{task_id}/release").status_code == 403
    assert api.as_("duty").post(f"/tasks/{task_id}/release").json()["assignee_id"] is None

    # Reassigning: the commander hands it to a holder of its seat; others may not.
    assert api.as_("duty").post(f"/tasks/{task_id}/reassign", {"username": "duty"}).status_code == 403
    not_holder = api.as_("commander").post(f"/tasks/{task_id}/reassign", {"username": "fire"})
    assert not_holder.status_code == 422 and "username" in not_holder.json()["error"]["fields"]
    assert api.as_("commander").post(f"/tasks/{task_id}/reassign", {"username": "nobody"}).status_code == 404
    handed = api.as_("commander").post(f"/tasks/{task_id}/reassign", {"username": "duty"})
    assert handed.status_code == 200

    # Ending: only the commander, with a reason; then its tasks are gone and commands conflict.
    assert api.as_("duty").post(f"/incidents/{ref}/end", {"reason": "false alarm"}).status_code == 403
    no_reason = api.as_("commander").post(f"/incidents/{ref}/end", {"reason": ""})
    assert no_reason.status_code == 422 and "body.reason" in no_reason.json()["error"]["fields"]
    ended = api.as_("commander").post(f"/incidents/{ref}/end", {"reason": "false alarm", "outcome": "cancelled"})
    assert ended.status_code == 200 and ended.json()["status"] == "cancelled"
    assert ended.json()["end_reason"] == "false alarm"
    late = api.as_("duty").post(f"/tasks/{task_id}/complete", {"data": {}})
    assert late.status_code in (409, 422)
    assert api.as_("commander").post(f"/incidents/{ref}/messages", {"name": "response_over"}).status_code == 409


def test_listing_incidents_filters_and_pages(api: Api, deployed: None) -> None:
    duty = api.as_("duty")
    refs = [duty.start(title=f"Flood {n}", category="natural_disaster", unit=f"Grid {n % 2}")["reference"]
            for n in range(5)]
    duty.start(title="Drill", exercise=True)

    page = api.as_("fire").get("/incidents?limit=2&exercise=false").json()
    assert [i["reference"] for i in page["items"]] == refs[::-1][:2]
    seen = [i["reference"] for i in page["items"]]
    while page["next_cursor"] is not None:
        page = api.as_("fire").get(f"/incidents?limit=2&exercise=false&cursor={page['next_cursor']}").json()
        seen += [i["reference"] for i in page["items"]]
    assert seen == refs[::-1]

    assert len(api.as_("fire").get("/incidents?unit=Grid 1").json()["items"]) == 2
    assert [i["title"] for i in api.as_("fire").get("/incidents?exercise=true").json()["items"]] == ["Drill"]
    assert len(api.as_("fire").get("/incidents?text=flood&category=natural_disaster").json()["items"]) == 5
    assert api.as_("fire").get("/incidents?status=closed").json()["items"] == []
    assert api.as_("fire").get("/incidents?level=V").status_code == 422
    assert api.as_("fire").get("/incidents/INC-1999-9999").status_code == 404
    by_id = api.as_("fire").get(f"/incidents/{page['items'][-1]['id']}")
    assert by_id.status_code == 200


def test_decisions_enter_the_fault_tolerance_record(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    within_plan = api.as_("commander").post(f"/incidents/{ref}/decisions", DECISION | {"departs_from_plan": False})
    assert within_plan.status_code == 201 and within_plan.json()["flag"] is None
    decision_id = within_plan.json()["id"]
    assert api.as_("fire").post(f"/decisions/{decision_id}/flag", {"reason": "why?"}).status_code == 403
    assert api.as_("auditor").post(f"/decisions/{decision_id}/flag", {"reason": "why?"}).status_code == 403
    flagged = api.as_("reviewer").post(f"/decisions/{decision_id}/flag", {"reason": "cars towed without notice"})
    assert flagged.status_code == 201 and flagged.json()["flagged_by"] == "reviewer"
    twice = api.as_("commander").post(f"/decisions/{decision_id}/flag", {"reason": "again"})
    assert twice.status_code == 409
    listed = api.as_("reviewer").get(f"/incidents/{ref}/decisions?flagged=true").json()
    assert [(d["id"], d["flag"]["reason"]) for d in listed] == [(decision_id, "cars towed without notice")]
    assert api.as_("reviewer").get("/reviews").json() == []
    assert api.as_("commander").get(f"/reviews?incident={ref}").status_code == 200
    assert api.as_("fire").get("/reviews").status_code == 403
    assert api.as_("admin").post("/decisions/424242/flag", {"reason": "x"}).status_code == 404
