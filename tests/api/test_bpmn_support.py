"""The BPMN support table (docs/bpmn-support.md) is generated from engine/workflow/support.py and
current, and every model it names as not written for renxing (tests/fixtures/foreign/) deploys and
runs end to end through the public API — or is refused with the code it names, at its element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.workflow.support import REFUSED, SUPPORT, support_table
from tests.api.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def test_the_support_table_is_current() -> None:
    assert (ROOT / "docs" / "bpmn-support.md").read_text(encoding="utf-8") == support_table(), \
        "run `python -m engine.workflow.support > docs/bpmn-support.md`"


def test_every_row_names_a_model_that_exists() -> None:
    for row in SUPPORT:
        assert (FIXTURES / row.model if row.model.startswith("foreign/") else ROOT / row.model).is_file(), row


def _deploy(api: Api, name: str, key: str) -> Any:
    path = FIXTURES / "foreign" / name
    return api.as_("admin").post("/definitions", key=key,
                                 files=[("files", (path.name, path.read_bytes(), "application/xml"))])


def _run(api: Api, process_id: str) -> dict[str, Any]:
    """Start the process and answer whatever it asks until it ends: each open task with its form's
    simplest answer, each awaited message sent."""
    duty = api.as_("duty")
    ref = duty.start(process_id=process_id)["reference"]
    for _ in range(50):
        state = api.as_("admin").get(f"/incidents/{ref}").json()
        if state["incident"]["status"] != "active":
            return dict(state)
        if state["open_tasks"]:
            task = state["open_tasks"][0]
            answer = {"done": True} if task["form_key"] == "task_confirmation" else {"verified": True}
            holder = next(user for user, seat in SEATS.items() if seat == task["role"])
            done = api.as_(holder).post(f"/tasks/{task['id']}/complete", {"data": answer})
            assert done.status_code == 200, done.text
        else:
            [name] = state["waiting_messages"]
            sent = api.as_("commander").post(f"/incidents/{ref}/messages", {"name": name})
            assert sent.status_code == 200, sent.text
    raise AssertionError(f"{process_id} did not end")


SEATS = {"duty": "duty_officer", "commander": "commander", "fire": "fire", "medical": "medical",
         "grid": "grid_worker"}
RUNNING = sorted({row.model.removeprefix("foreign/") for row in SUPPORT
                  if row.model.startswith("foreign/") and row.verdict != REFUSED})
REFUSALS = sorted({(row.model.removeprefix("foreign/"), row.code) for row in SUPPORT
                   if row.model.startswith("foreign/") and row.verdict == REFUSED})


@pytest.mark.parametrize("name", RUNNING)
def test_a_foreign_model_deploys_and_runs_through_the_api(api: Api, name: str) -> None:
    deployed = _deploy(api, name, f"deploy-{name}")
    assert deployed.status_code == 201, deployed.text
    process_id = name.removesuffix(".bpmn")
    assert _run(api, process_id)["incident"]["status"] == "closed"


@pytest.mark.parametrize(("name", "code"), REFUSALS)
def test_a_foreign_model_is_refused_naming_the_element_and_the_reason(api: Api, name: str, code: str) -> None:
    refused = _deploy(api, name, f"deploy-{name}")
    assert refused.status_code == 422
    codes = {found["code"] for found in refused.json()["error"]["field_codes"].values()}
    assert code in codes


#: SpiffWorkflow's own test models (tests/fixtures/foreign/spiffworkflow/README.md): what deploy says.
SPIFF_MODELS = {
    "ExclusiveGatewayIfElseAndDecision.bpmn": {("TaskDecision", "model.rule_without_decision")},
    "gateway_loop_input.bpmn": {("Flow_0r5ndy6", "model.loop_through_gateway"),
                                ("task", "model.user_task_without_seat")},
    "standard_loop.bpmn": {("any_task", "model.user_task_without_seat")},
    "token_trial_parallel_simple.bpmn": {("UserTask_0fd3nql", "model.user_task_without_seat")},
    "message_test.bpmn": {("Activity_EnterPlan", "model.user_task_without_seat")},
}


@pytest.mark.parametrize(("name", "expected"), SPIFF_MODELS.items())
def test_spiffworkflows_own_models_are_refused_naming_element_and_reason(
        api: Api, name: str, expected: set[tuple[str, str]]) -> None:
    refused = _deploy(api, f"spiffworkflow/{name}", f"deploy-{name}")
    assert refused.status_code == 422, refused.text
    found = {(path.split(":")[-1], detail["code"]) for path, detail in refused.json()["error"]["field_codes"].items()}
    assert expected <= found
