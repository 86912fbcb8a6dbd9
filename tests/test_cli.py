"""The `renxing` command line: the demo on a fresh SQLite file, and clear errors with a non-zero
exit for wrong input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_demo_plays_the_whole_lifecycle_on_a_fresh_database(url: str) -> None:
    result = runner.invoke(app, ["demo", "--database", url])
    assert result.exit_code == 0, result.output
    for prefix in ("PLN", "EW", "INC", "RES", "IMP"):
        assert re.search(rf"{prefix}-\d{{4}}-0001 .* status closed", result.output), prefix
    for expected in ("status closed, level II",
                     "phase prevention → closed",  # the warning
                     "RESERVED 40 cases of Bottled water (20 left for others)", "started RES-",
                     "DRAWN 40 cases of Bottled water (40 of them reserved",
                     "restocked 40 cases of Bottled water (60 available)",
                     "released 30 places of School gym (80 available)",
                     "timer fired", "ON-SCENE DECISION", "enters the fault-tolerance record",
                     "ruling proposed by the table: mitigated", "the reviewer departs to excused: Four residents",
                     "RULING on decision #1: excused (second reviewer song.district concurs)",
                     "phase response → recovery", "phase recovery → learning",
                     "phase learning → closed", "improvement action", "improvement action overdue",
                     "improvement action verified", "v1 published", "v2 published",
                     "(first_responder): v1 first_response — Cordon the stairwell",
                     "(grid_worker): v1 evacuation — Buildings 2-4", "audit chain: intact"):
        assert expected in result.output, expected
    again = runner.invoke(app, ["demo", "--database", url])  # a second run reuses users and models
    assert again.exit_code == 0, again.output
    assert re.search(r"INC-\d{4}-0002", again.output) and "v4 published" in again.output


def test_deploy_list_start_show_complete_and_verify(url: str, tmp_path: Path) -> None:
    bundle = Path(__file__).resolve().parents[1] / "bpmn"
    assert runner.invoke(app, ["db", "upgrade", "--database", url]).exit_code == 0
    deployed = runner.invoke(app, ["definitions", "deploy", str(bundle), "--database", url])
    assert deployed.exit_code == 0, deployed.output
    assert "community_incident v1" in deployed.output
    listed = runner.invoke(app, ["definitions", "list", "--database", url])
    assert "community_incident" in listed.output
    started = runner.invoke(app, ["incidents", "start", "community_incident", "--title", "Flood",
                                  "--category", "natural_disaster", "--unit", "Grid 3", "--database", url])
    assert started.exit_code == 0, started.output
    reference = started.output.split()[-1]
    shown = runner.invoke(app, ["incidents", "show", reference, "--database", url])
    assert "Record the incident report" in shown.output
    task_id = next(line.split()[1] for line in shown.output.splitlines() if "duty_officer" in line)
    data = json.dumps({"category": "natural_disaster", "location": "Grid 3", "deaths": 0,
                       "seriously_injured": 0, "missing": 0, "trapped": 0, "relocated": 0,
                       "economic_loss": 1})
    # Nobody holds the duty officer's seat yet: the local operator cannot act for a seat.
    refused = runner.invoke(app, ["tasks", "complete", task_id, "--as", "nobody", "--data", data,
                                  "--database", url])
    assert refused.exit_code != 0 and "no user 'nobody'" in refused.output
    verified = runner.invoke(app, ["audit", "verify", "--database", url])
    assert verified.exit_code == 0 and "intact" in verified.output


@pytest.mark.parametrize(("args", "message"), [
    (["incidents", "start", "community_incident", "--title", "", "--category", "natural_disaster",
      "--unit", "x"], "title"),
    (["incidents", "start", "community_incident", "--title", "t", "--category", "meteor",
      "--unit", "x"], "category"),
    (["incidents", "start", "nope", "--title", "t", "--category", "natural_disaster", "--unit", "x"],
     "no process definition 'nope'"),
    (["incidents", "start", "community_incident", "--title", "t", "--category", "natural_disaster",
      "--unit", "x", "--data", "{not json"], "not valid JSON"),
    (["incidents", "show", "INC-1999-0001"], "no incident"),
    (["definitions", "deploy", "/no/such/folder"], "no such file or folder"),
])
def test_wrong_input_gets_a_clear_message_and_a_non_zero_exit(url: str, args: list[str], message: str) -> None:
    runner.invoke(app, ["demo", "--database", url])
    result = runner.invoke(app, [*args, "--database", url])
    assert result.exit_code != 0
    assert message in result.output


def test_users_password_disable_and_enable(url: str) -> None:
    from engine.db import Database
    from engine.seats import auth

    added = runner.invoke(app, ["users", "add", "mei", "--password", "first password 1", "--database", url])
    assert added.exit_code == 0
    assert runner.invoke(app, ["users", "password", "mei", "--password", "second password 2",
                               "--database", url]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "mei", "--database", url]).exit_code == 0
    database = Database(url)
    with pytest.raises(auth.AuthenticationFailed):
        auth.login(database, username="mei", password="second password 2")
    assert runner.invoke(app, ["users", "enable", "mei", "--database", url]).exit_code == 0
    assert auth.login(database, username="mei", password="second password 2").user_id is not None
    with pytest.raises(auth.AuthenticationFailed):
        auth.login(database, username="mei", password="first password 1")
    missing = runner.invoke(app, ["users", "disable", "ghost", "--database", url])
    assert missing.exit_code != 0 and "no user 'ghost'" in missing.output


@pytest.mark.parametrize("ref", ["99999999999999999999", "²", "0"])
def test_odd_incident_references_are_simply_not_found(url: str, ref: str) -> None:
    runner.invoke(app, ["db", "upgrade", "--database", url])
    result = runner.invoke(app, ["incidents", "show", ref, "--database", url])
    assert result.exit_code != 0 and "no incident" in result.output


def test_an_auditor_acting_through_the_cli_is_refused_like_at_every_door(url: str) -> None:
    """The CLI runs commands through the same door as the API and the pages (api.commands)."""
    bundle = Path(__file__).resolve().parents[1] / "bpmn"
    assert runner.invoke(app, ["definitions", "deploy", str(bundle), "--database", url]).exit_code == 0
    for args in (["users", "add", "audra", "--password", "a long password"], ["users", "seat", "audra", "auditor"],
                 ["users", "seat", "audra", "duty_officer"]):
        assert runner.invoke(app, [*args, "--database", url]).exit_code == 0
    start = ["incidents", "start", "community_incident", "--title", "Flood", "--category", "natural_disaster",
             "--unit", "Grid 3", "--database", url]
    refused = runner.invoke(app, [*start, "--as", "audra"])
    assert refused.exit_code == 1 and "auditors read everything and change nothing" in refused.output
    assert "INC-" not in runner.invoke(app, ["incidents", "list", "--database", url]).output
    invalid = runner.invoke(app, [*start[:3], "--title", "", *start[5:]])
    assert invalid.exit_code == 2 and "title" in invalid.output  # wrong input: exit 2, from the same table


def test_deploy_prints_warnings_and_refusals(url: str) -> None:
    foreign = Path(__file__).parent / "fixtures" / "foreign"
    deployed = runner.invoke(app, ["definitions", "deploy", str(foreign / "camunda_review.bpmn"), "--database", url])
    assert deployed.exit_code == 0, deployed.output
    assert "camunda_review v1" in deployed.output
    assert "warning: camunda_review.bpmn:Activity_write: the task has no formKey" in deployed.output
    forms = Path(__file__).parent / "fixtures" / "bundle_forms"
    refused = runner.invoke(app, ["definitions", "deploy", str(forms / "site_check.bpmn"), "--database", url])
    assert refused.exit_code != 0
    assert "site_check.bpmn:sign_off" in refused.output and "'site_signoff' has no form schema" in refused.output


def test_schedules_seed_and_list(url: str) -> None:
    seeded = runner.invoke(app, ["schedules", "seed", "--unit", "Hehua Compound", "--database", url])
    assert seeded.exit_code == 0, seeded.output
    assert "Monthly hazard screening — Hehua Compound: first" in seeded.output
    listed = runner.invoke(app, ["schedules", "list", "--database", url])
    assert listed.exit_code == 0 and "full_scale" in listed.output and "Annual tabletop" in listed.output
