"""Command guarantees over HTTP: idempotent retries, and concurrency on one incident."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from engine.db import Database
from engine.models import AuditEvent, Incident
from tests.api.conftest import Api
from tests.scenario import ANSWERS


def _count(db: Database, model: Any) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_retried_command_returns_the_first_result_and_acts_once(api: Api, deployed: None, db: Database) -> None:
    body = {"process_id": "community_incident", "title": "Flood", "category": "natural_disaster", "unit": "Grid 3"}
    first = api.as_("duty").post("/incidents", body, key="start-flood-1")
    events = _count(db, AuditEvent)
    retry = api.as_("duty").post("/incidents", body, key="start-flood-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count(db, Incident) == 1 and _count(db, AuditEvent) == events

    # Same key, different request: refused, not answered with an unrelated result.
    other = api.as_("duty").post("/incidents", body | {"title": "Fire"}, key="start-flood-1")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]["fields"]
    # Keys belong to a user: another user's same key is a new command.
    assert api.as_("commander").post("/incidents", body, key="start-flood-1").status_code == 201
    assert _count(db, Incident) == 2

    # A completed task retried with its key is the same 200, not a 409.
    ref = first.json()["reference"]
    task = api.as_("duty").task_of(ref, "record_report")
    url, data = f"/tasks/{task['id']}/complete", {"data": ANSWERS["record_report"]}
    done = api.as_("duty").post(url, data, key="complete-report")
    assert done.status_code == 200
    assert api.as_("duty").post(url, data, key="complete-report").json() == done.json()
    assert api.as_("duty").post(url, data, key="another-key").status_code == 409


def test_a_failed_command_is_not_remembered(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    task = api.as_("duty").task_of(ref, "record_report")
    url = f"/tasks/{task['id']}/complete"
    assert api.as_("duty").post(url, {"data": {}}, key="k1").status_code == 422
    assert api.as_("duty").post(url, {"data": ANSWERS["record_report"]}, key="k2").status_code == 200


def _race(calls: list[Any]) -> list[Any]:
    """Run the calls at the same moment in threads; their results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_clients_completing_the_same_task_get_one_200_and_one_409(api: Api, deployed: None) -> None:
    ref = api.as_("duty").start()["reference"]
    task = api.as_("duty").task_of(ref, "record_report")
    url, body = f"/tasks/{task['id']}/complete", {"data": ANSWERS["record_report"]}
    api.token("duty")  # log in before the race
    results = _race([lambda: api.as_("duty").post(url, body), lambda: api.as_("duty").post(url, body)])
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]


def test_concurrent_retries_with_one_key_act_once(api: Api, deployed: None, db: Database) -> None:
    body = {"process_id": "community_incident", "title": "Storm", "category": "natural_disaster", "unit": "G"}
    api.token("duty")
    results = _race([lambda: api.as_("duty").post("/incidents", body, key="same") for _ in range(4)])
    assert [r.status_code for r in results] == [201] * 4
    assert len({r.json()["reference"] for r in results}) == 1
    assert _count(db, Incident) == 1


def test_different_tasks_of_one_incident_complete_concurrently(api: Api, deployed: None) -> None:
    duty, commander = api.as_("duty"), api.as_("commander")
    ref = duty.start()["reference"]
    for element, user in (("record_report", duty), ("report_to_district", duty), ("activate_response", commander)):
        assert user.complete(ref, element).status_code == 200
    fire, medical = api.as_("fire"), api.as_("medical")
    calls = [(fire, fire.task_of(ref, "fire_rescue")["id"], "fire_rescue"),
             (medical, medical.task_of(ref, "medical_care")["id"], "medical_care")]
    results = _race([lambda u=u, t=t, e=e: u.post(f"/tasks/{t}/complete", {"data": ANSWERS[e]})
                     for u, t, e in calls])
    assert Counter(r.status_code for r in results) == {200: 2}, [r.text for r in results]
    state = commander.get(f"/incidents/{ref}").json()
    assert state["open_tasks"] == [] and state["waiting_messages"] == ["response_over"]
