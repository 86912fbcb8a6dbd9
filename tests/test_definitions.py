"""Deploying definitions: versioned by content, idempotent, refused with a named problem, and
never changing incidents already running on an older version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import definitions
from engine.db import Database
from engine.definitions.bundled import bundled_files
from engine.errors import Forbidden, InvalidDefinition
from engine.models import AuditEvent, ProcessDefinition
from tests.scenario import ADMIN, Scenario


def _count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0


def test_redeploying_identical_content_is_a_no_op(db: Database) -> None:
    Scenario(db)  # deploys the bundled models once
    before = _count(db)
    with db.transaction() as session:
        again = definitions.deploy(session=session, actor=ADMIN, files=bundled_files())
    assert _count(db) == before
    assert {d.version for d in again} == {1}


def test_a_changed_model_is_a_new_version_and_running_incidents_keep_theirs(db: Database) -> None:
    scenario = Scenario(db)
    old_incident = scenario.start()
    files = bundled_files()
    files["community_incident.bpmn"] = files["community_incident.bpmn"].replace(
        b'name="Record the incident report"', b'name="Record the report (v2)"')
    with db.transaction() as session:
        deployed = {d.process_id: d for d in definitions.deploy(session=session, actor=ADMIN, files=files)}
    assert deployed["community_incident"].version == 2
    new_incident = scenario.start()
    assert scenario.task(old_incident, "record_report").title == "Record the incident report"
    assert scenario.task(new_incident, "record_report").title == "Record the report (v2)"
    with db.read() as session:
        assert definitions.get(session=session, process_id="community_incident").version == 2
        assert definitions.get(session=session, process_id="community_incident", version=1).id == \
            scenario.incident(old_incident).definition_id
    scenario.complete(old_incident, "record_report")  # the old version still runs
    assert scenario.incident(old_incident).response_level == "II"


def test_an_invalid_bundle_is_refused_naming_file_and_element_and_nothing_is_stored(db: Database) -> None:
    Scenario(db)
    before = _count(db)
    files = bundled_files()
    files["community_incident.bpmn"] = files["community_incident.bpmn"].replace(
        b'value="incident_report"', b'value="no_such_form"')
    with db.read() as session:
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(InvalidDefinition) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    problem = caught.value.problems[0]
    assert problem.file == "community_incident.bpmn"
    assert problem.element == "record_report"
    assert "no_such_form" in problem.message
    assert _count(db) == before
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_only_an_administrator_deploys(db: Database) -> None:
    scenario = Scenario(db)
    with pytest.raises(Forbidden), db.transaction() as session:
        definitions.deploy(session=session, actor=scenario.actors["commander"], files=bundled_files())


def test_a_task_subject_the_sandbox_refuses_is_refused_at_deploy(db: Database) -> None:
    files = bundled_files()
    files["fault_tolerance_review.bpmn"] = files["fault_tolerance_review.bpmn"].replace(
        b"value=\"'Decision #%s: %s' % (decision['decision_id'], decision['choice'])\"",
        b"value=\"decision.__class__\"", 1)
    with pytest.raises(InvalidDefinition) as caught, db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files=files)
    (problem,) = [p for p in caught.value.problems if p.file == "fault_tolerance_review.bpmn"]
    assert problem.element == "add_maker_statement" and "subject" in problem.message
