"""The `renxing incidents` commands an operator uses on a failed incident, on both databases: show
names the failure, set-variable and retry resume it; migrate refuses a version lacking the element
it waits on (exit 1, naming it) and moves it to one that has it."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from api.cli import app
from engine import incidents
from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import RetryPolicy, timers
from tests.ops.test_failed_incidents import FIXED, deploy, failing_incident
from tests.scenario import Scenario

runner = CliRunner()


def renxing(database_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--database", database_url])
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def test_show_set_variable_retry_and_migrate(db: Database, clock: ManualClock, database_url: str) -> None:
    scenario = Scenario(db)
    first = failing_incident(scenario, clock)
    second = scenario.start(process_id="timer_fix")
    scenario.complete(second, "first_report", {"verified": True})
    clock.advance(timedelta(hours=2))
    timers.sweep(db, policy=RetryPolicy(attempts=1))
    ref, other = scenario.incident(first).reference, scenario.incident(second).reference

    code, shown = renxing(database_url, "incidents", "show", ref)
    assert code == 0 and "stopped at weigh_follow_up after 1 attempt(s)" in shown and "threshold" in shown
    code, _ = renxing(database_url, "incidents", "set-variable", ref, "threshold", "2", "--reason", "district value")
    assert code == 0
    code, out = renxing(database_url, "incidents", "retry", ref, "--reason", "threshold set")
    assert (code, out) == (0, f"{ref} resumed")

    deploy(db, ("follow_up_due", "follow_up_timer"))
    code, out = renxing(database_url, "incidents", "migrate", other, "--to-version", "2")
    assert code == 1 and "no counterpart there: follow_up_due" in out
    deploy(db, *FIXED)
    code, out = renxing(database_url, "incidents", "migrate", other, "--to-version", "3")
    assert (code, out) == (0, f"{other} now runs version 3")
    code, out = renxing(database_url, "incidents", "retry", other, "--reason", "version 3")
    assert code == 0
    with db.read() as session:
        assert incidents.get(session=session, incident_id=second).status == "active"
    assert scenario.open_elements(second) == ["call_street"]
