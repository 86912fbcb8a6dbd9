"""Models written elsewhere: seats from Camunda's candidateGroups, a SpiffWorkflow extension property
or BPMN's potentialOwner as well as from lanes; a user task without a form gets the built-in
confirmation form and the deploy answer warns of it; a task with no seat at all is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import definitions
from engine.db import Database
from engine.errors import DefinitionProblem, InvalidDefinition, InvalidInput
from tests.scenario import ADMIN, Scenario

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


def _deploy(db: Database, *names: str, **replace: tuple[bytes, bytes]) -> list[DefinitionProblem]:
    files = {name: (FOREIGN / name).read_bytes() for name in names}
    for name, (old, new) in replace.items():
        files[f"{name}.bpmn"] = files[f"{name}.bpmn"].replace(old, new)
    with db.transaction() as session:
        return [w for d in definitions.deploy(session=session, actor=ADMIN, files=files)
                for w in definitions.warnings_of(d)]


def test_a_camunda_model_runs_with_seats_from_candidate_groups_and_confirmation_forms(db: Database) -> None:
    scenario = Scenario(db)
    warnings = _deploy(db, "camunda_review.bpmn")
    assert sorted((w.element, w.message.code) for w in warnings) == [
        ("Activity_check", "model.user_task_confirmation"), ("Activity_check", "model.user_task_first_group"),
        ("Activity_write", "model.user_task_confirmation")]
    incident = scenario.start(process_id="camunda_review")
    write = scenario.task(incident, "Activity_write")
    assert (write.role, write.form_key) == ("grid_worker", "task_confirmation")
    with pytest.raises(InvalidInput) as refused:
        scenario.complete(incident, "Activity_write", {"done": False})
    assert set(refused.value.fields) == {"done"}
    scenario.complete(incident, "Activity_write", {"done": True, "comment": "Written."})
    assert scenario.task(incident, "Activity_check").role == "duty_officer"  # the first of the groups
    scenario.complete(incident, "Activity_check", {"done": True})
    assert scenario.incident(incident).status == "closed"


def test_potential_owner_and_the_extension_property_name_seats_too(db: Database) -> None:
    scenario = Scenario(db)
    assert sorted(w.element for w in _deploy(db, "owners.bpmn")) == ["by_owner", "tidy_up"]  # confirmation forms
    incident = scenario.start(process_id="owners")
    assert scenario.task(incident, "by_owner").role == "medical"
    scenario.complete(incident, "by_owner", {"done": True})
    assert (scenario.task(incident, "by_property").role, scenario.task(incident, "by_property").form_key) == (
        "fire", "verification")
    scenario.complete(incident, "by_property", {"verified": True})
    tidy = scenario.task(incident, "tidy_up")  # a plain task waits for a person too
    assert (tidy.role, tidy.form_key) == ("grid_worker", "task_confirmation")


@pytest.mark.parametrize(("old", "new", "code"), [
    (b' camunda:candidateGroups="grid_worker"', b"", "model.user_task_without_seat"),
    (b'camunda:candidateGroups="grid_worker"', b'camunda:candidateGroups="Grid Workers"',
     "model.candidate_group_not_role"),
])
def test_a_task_without_a_seat_or_with_a_wrong_one_is_refused(db: Database, old: bytes, new: bytes,
                                                               code: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        _deploy(db, "camunda_review.bpmn", camunda_review=(old, new))
    assert [(p.element, p.message.code) for p in caught.value.problems] == [("Activity_write", code)]
