"""The deploy page through TestClient: what a deploy finds wrong in a bundle is shown per file and
element, in the reader's language (each problem has a message code), and the API answers the same
problems with their codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Api

FOREIGN = Path(__file__).parents[1] / "fixtures" / "foreign"

# Four problems of four kinds: a lane that is not a role, a user task with an unknown form, a
# condition the sandbox refuses, a timer without its quotes.
BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Duty Officer">
      <bpmn:flowNodeRef>check</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="check"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formKey" value="no_such_form"/></spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:exclusiveGateway id="gw" default="f4"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="wait">
      <bpmn:conditionExpression>__import__('os')</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end"/>
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

IN_CHINESE = {
    "lane": "泳道名称“Duty Officer”不是岗位代号",
    "check": "用户任务的 formKey“no_such_form”没有表单定义",
    "f3": "条件 `__import__('os')` 被拒绝",
    "wait": "定时器的 timeDuration `PT5M` 必须是 Python 字符串字面量",
}
IN_ENGLISH = {
    "lane": "lane name 'Duty Officer' is not a role key",
    "check": "userTask formKey 'no_such_form' has no form schema",
    "f3": "condition `__import__('os')` is refused",
    "wait": "timer timeDuration `PT5M` must be a Python string literal",
}


def _deploy(person: Any) -> str:
    token = person.csrf("/ui/definitions/deploy")
    answer = person.client.post("/ui/definitions/deploy", data={"csrf_token": token},
                                files=[("files", ("broken.bpmn", BROKEN, "application/xml"))])
    assert answer.status_code == 422 and 'id="problems"' in answer.text
    return str(answer.text)


def test_a_chinese_deploy_page_shows_the_problems_in_chinese(browser: Any) -> None:
    admin = browser("admin")
    assert admin.post("/ui/language", {"language": "zh", "next": "/ui/tasks"}).status_code == 303
    shown = _deploy(admin).replace("&#34;", '"').replace("&#39;", "'")
    for element, text in IN_CHINESE.items():
        assert f"<code>{element}</code>" in shown and text in shown, element
    for text in IN_ENGLISH.values():
        assert text not in shown


def test_an_english_deploy_page_shows_them_in_english(browser: Any) -> None:
    shown = _deploy(browser("admin")).replace("&#34;", '"').replace("&#39;", "'")
    for text in IN_ENGLISH.values():
        assert text in shown


def test_the_api_answers_each_problem_with_its_code(web_app: Any) -> None:
    with TestClient(web_app) as client:
        answer = Api(client).as_("admin").post("/definitions", key="broken-1",
                                               files=[("files", ("broken.bpmn", BROKEN, "application/xml"))])
    assert answer.status_code == 422
    codes = {path: found["code"] for path, found in answer.json()["error"]["field_codes"].items()}
    assert codes == {
        "broken.bpmn:lane": "model.lane_not_role",
        "broken.bpmn:check": "model.user_task_unknown_form",
        "broken.bpmn:f3": "model.expression_refused",
        "broken.bpmn:wait": "model.timer_needs_quotes",
    }


def test_a_chinese_deploy_page_shows_the_warnings_of_what_deployed(browser: Any) -> None:
    admin = browser("admin")
    assert admin.post("/ui/language", {"language": "zh", "next": "/ui/tasks"}).status_code == 303
    token = admin.csrf("/ui/definitions/deploy")
    answer = admin.client.post("/ui/definitions/deploy", data={"csrf_token": token}, files=[
        ("files", ("camunda_review.bpmn", (FOREIGN / "camunda_review.bpmn").read_bytes(), "application/xml"))])
    assert answer.status_code == 200 and 'id="warnings"' in answer.text
    shown = answer.text.replace("&#34;", '"').replace("&#39;", "'")
    assert "该任务没有 formKey：它将使用内置的确认表单（task_confirmation：已完成及说明）" in shown
    assert "此处一个任务只有一个岗位，即“值守人员”" in shown


def test_the_api_answers_the_warnings_of_what_deployed(web_app: Any) -> None:
    with TestClient(web_app) as client:
        answer = Api(client).as_("admin").post("/definitions", key="camunda-1", files=[
            ("files", ("camunda_review.bpmn", (FOREIGN / "camunda_review.bpmn").read_bytes(), "application/xml"))])
    assert answer.status_code == 201, answer.text
    [definition] = answer.json()["definitions"]
    assert sorted((w["element"], w["message_code"]) for w in definition["warnings"]) == [
        ("Activity_check", "model.user_task_confirmation"), ("Activity_check", "model.user_task_first_group"),
        ("Activity_write", "model.user_task_confirmation")]
