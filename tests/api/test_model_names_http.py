"""The API gives a task's Chinese name from the model beside its English title."""

from __future__ import annotations

from tests.api.conftest import Api


def test_open_tasks_carry_the_models_chinese_name(api: Api, deployed: None) -> None:
    duty = api.as_("duty")
    ref = duty.start()["reference"]
    task = duty.task_of(ref, "record_report")
    assert (task["title"], task["title_zh"]) == ("Record the incident report", "登记事件首报")
