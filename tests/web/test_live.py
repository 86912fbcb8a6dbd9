"""The live channel the pages poll: a stamp that moves when something commits, and badge counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine.clock import ManualClock
from engine.db import Database
from tests.web.test_pages import _complete


def test_the_stamp_moves_on_commit_and_the_badge_counts(browser: Any, db: Database, clock: ManualClock,
                                                        incident: str) -> None:
    fire = browser("fire")
    before = fire.get(f"/ui/live?incident={incident}").json()
    assert before["open"] == 0 and before["new"] == 0 and before["overdue"] == 0
    assert fire.get(f"/ui/live?incident={incident}").json() == before  # nothing changed, same stamp
    seen = clock.now().isoformat()
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, incident, element, who)
    after = fire.get("/ui/live", params={"incident": incident, "seen": seen}).json()
    assert after["stamp"] > before["stamp"] and (after["open"], after["new"], after["overdue"]) == (1, 0, 0)
    clock.advance(timedelta(minutes=1))
    assert fire.get("/ui/live", params={"seen": clock.now().isoformat()}).json()["new"] == 0
    assert fire.get("/ui/live", params={"seen": "2000-01-01T00:00:00+00:00"}).json()["new"] == 1
    clock.advance(timedelta(minutes=40))
    assert fire.get("/ui/live").json()["overdue"] == 1
    assert fire.get("/ui/live?seen=not-a-time").status_code == 200  # a bad stamp is ignored
    assert browser().get("/ui/live").status_code == 303  # signed-in people only
    page = fire.get("/ui/tasks").text
    assert 'data-live="/ui/live"' in page and 'id="inbox-live" data-live-region' in page
    assert "/ui/static/live.js" in page
