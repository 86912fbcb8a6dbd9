"""Deploy-time validation of model bundles, and the stored form of SpiffWorkflow specs.

The valid bundle lives in tests/fixtures/specs/; every invalid case is that bundle with one
small edit, so each test shows exactly what the problem is and asserts the file and element
the problem names.
"""

from __future__ import annotations

import inspect
import json
import random
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow.registry import REGISTRY
from engine.workflow.spec_expressions import _replace_placeholders
from engine.workflow.specs import (
    ParsedBundle,
    UserTaskInfo,
    build_specs,
    dump_specs,
    load_specs,
    parse_bundle,
)
from engine.workflow.xml_safety import MAX_XML_BYTES, parse_xml_safely

FIXTURES = Path(__file__).parent / "fixtures" / "specs"
MAIN, CALLED, DMN = "incident_response.bpmn", "dispatch_team.bpmn", "grading.dmn"
FORMS = {"incident_report", "onscene_command", "escalation_note", "after_action_review",
         "fire_deployment"}


def bundle(**edits: Callable[[str], str]) -> dict[str, bytes]:
    """The valid bundle, with `edits` applied to files (keyword: file stem)."""
    files = {}
    for path in sorted(FIXTURES.iterdir()):
        text = path.read_text(encoding="utf-8")
        edit = edits.get(path.stem)
        files[path.name] = (edit(text) if edit else text).encode("utf-8")
    return files


def replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) >= count, f"fixture does not contain {old!r}"
        return text.replace(old, new, count)
    return edit


def problems_of(files: dict[str, bytes], forms: set[str] = FORMS) -> list[DefinitionProblem]:
    with pytest.raises(InvalidDefinition) as caught:
        parse_bundle(files, known_form_keys=forms)
    assert caught.value.problems, "InvalidDefinition without problems"
    return caught.value.problems


def only(problems: list[DefinitionProblem], file: str | None, element: str | None
         ) -> DefinitionProblem:
    matching = [p for p in problems if (p.file, p.element) == (file, element)]
    assert matching, f"no problem for {file}:{element} in {problems}"
    return matching[0]


def parse(files: dict[str, bytes] | None = None) -> ParsedBundle:
    return parse_bundle(files or bundle(), known_form_keys=FORMS)


# --- the valid bundle -----------------------------------------------------------------------


def test_valid_bundle_describes_every_executable_process() -> None:
    parsed = parse()
    assert set(parsed.processes) == {"incident_response", "dispatch_team"}
    info = parsed.processes["incident_response"]
    assert info.name == "Incident response"
    assert info.files == (CALLED, DMN, MAIN)
    assert info.lanes == ("commander", "duty_officer", "fire")  # fire: the called process
    assert info.messages == ("response_over",)
    assert info.called_processes == ("dispatch_team",)
    assert info.decisions == ("grade_level",)
    assert info.phases == ("response", "learning")
    tasks = {task.spec_name: task for task in info.user_tasks}
    assert tasks["report_incident"] == UserTaskInfo(
        spec_name="report_incident", title="Report the incident", lane="duty_officer",
        form_key="incident_report", phase="response", file=MAIN)
    assert tasks["after_action_review"].lane == "commander"
    assert tasks["after_action_review"].phase == "learning"
    assert tasks["deploy_fire_team"].lane == "fire"  # its own lane, not the call activity's
    assert tasks["deploy_fire_team"].file == CALLED
    assert set(tasks) == {"report_incident", "command_on_scene", "escalate",
                          "after_action_review", "deploy_fire_team"}
    called = parsed.processes["dispatch_team"]
    assert (called.files, called.lanes, called.messages) == ((CALLED,), ("fire",), ())


def test_user_task_in_a_loop_is_named_as_the_runtime_sees_it() -> None:
    loop = ('<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
            "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
            "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>")
    files = bundle(dispatch_team=replace(
        '<bpmn:outgoing>flow_deployed</bpmn:outgoing>\n    </bpmn:userTask>',
        f"<bpmn:outgoing>flow_deployed</bpmn:outgoing>{loop}"))
    tasks = parse(files).processes["dispatch_team"].user_tasks
    assert [(t.spec_name, t.lane, t.form_key) for t in tasks] == [
        ("deploy_fire_team [child]", "fire", "fire_deployment")]


# --- 1. bundle and file problems ---------------------------------------------------------


def test_empty_bundle() -> None:
    problems = problems_of({})
    assert [(p.file, p.element) for p in problems] == [(None, None)]
    assert "empty" in problems[0].message


def test_unknown_extension() -> None:
    files = bundle()
    files["notes.txt"] = b"hello"
    problem = only(problems_of(files), "notes.txt", None)
    assert ".bpmn and .dmn" in problem.message


def test_same_process_id_in_two_files() -> None:
    files = bundle()
    files["copy.bpmn"] = files[CALLED]
    problem = only(problems_of(files), "dispatch_team.bpmn", "dispatch_team")
    assert "copy.bpmn" in problem.message


def test_same_decision_id_in_two_files() -> None:
    files = bundle()
    files["another.dmn"] = files[DMN]
    problem = only(problems_of(files), DMN, "grade_level")
    assert "another.dmn" in problem.message


def test_schema_errors_name_file_element_and_line() -> None:
    files = bundle(incident_response=replace('<bpmn:userTask id="escalate"',
                                             '<bpmn:userTask id="escalate" urgent="yes"'))
    problem = only(problems_of(files), MAIN, "escalate")
    assert "urgent" in problem.message and "line 80" in problem.message


def test_a_bpmn_file_that_is_not_bpmn() -> None:
    files = bundle()
    files["wrong.bpmn"] = files[DMN]
    assert "not BPMN 2.0" in only(problems_of(files), "wrong.bpmn", None).message


# --- hostile and malformed XML ----------------------------------------------------------------


SECRET = "TOP-SECRET-4f1c"

HOSTILE = {
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<definitions>&lol3;</definitions>", "DOCTYPE"),
    "external DTD": (
        b'<?xml version="1.0"?><!DOCTYPE definitions SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b"<definitions/>", "DOCTYPE"),
    "XInclude": (
        b'<definitions xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="/etc/passwd" parse="text"/></definitions>', "XInclude"),
    "stylesheet processing instruction": (
        b'<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:9/x.xsl"?>'
        b"<definitions/>", "processing instructions"),
    "not UTF-8": ('<definitions name="café"/>'.encode("latin-1"), "UTF-8"),
    "other declared encoding": (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><definitions/>', "UTF-8"),
    "malformed": (b"<definitions>\n  <process>\n</definitions>", "line 3"),
    "empty": (b"   ", "empty"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_broken_xml_is_refused(case: str) -> None:
    content, expected = HOSTILE[case]
    files = bundle()
    files["evil.bpmn"] = content
    problem = only(problems_of(files), "evil.bpmn", None)
    assert expected in problem.message


@pytest.mark.parametrize("kind", ["entity", "external DTD", "parameter entity"])
@pytest.mark.parametrize("file_name", ["xxe.bpmn", "xxe.dmn"])
def test_xxe_never_reads_the_file(tmp_path: Path, kind: str, file_name: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY x SYSTEM "file://{secret}">')
    doctype = {
        "entity": f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>',
        "external DTD": f'<!DOCTYPE d SYSTEM "file://{dtd}">',
        "parameter entity": f'<!DOCTYPE d [<!ENTITY % p SYSTEM "file://{dtd}"> %p;]>',
    }[kind]
    xxe = (f'<?xml version="1.0"?>{doctype}'
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'id="d" targetNamespace="t"><bpmn:process id="p" name="&x;"/></bpmn:definitions>')
    files = bundle()
    files[file_name] = xxe.encode()
    with pytest.raises(InvalidDefinition) as caught:
        parse_bundle(files, known_form_keys=FORMS)
    assert "DOCTYPE" in only(caught.value.problems, file_name, None).message
    everything = repr(caught.value.problems) + str(caught.value) + repr(caught.value.to_dict())
    assert SECRET not in everything


def test_oversized_file_is_refused_before_parsing() -> None:
    content = b"<definitions>" + b" " * MAX_XML_BYTES + b"</definitions>"
    with pytest.raises(InvalidDefinition) as caught:
        parse_xml_safely(content, "big.bpmn")
    assert "limit" in caught.value.problems[0].message


def test_safe_parse_keeps_line_numbers() -> None:
    root = parse_xml_safely((FIXTURES / MAIN).read_bytes(), MAIN)
    assert root.xpath("//*[@id='report_incident']")[0].sourceline == 30


# --- 2. references ------------------------------------------------------------------------------


def test_call_activity_to_a_process_not_in_the_bundle() -> None:
    files = bundle()
    del files[CALLED]
    problem = only(problems_of(files), MAIN, "dispatch")
    assert "'dispatch_team'" in problem.message and "not in the bundle" in problem.message


def test_business_rule_task_calling_an_unknown_decision() -> None:
    files = bundle(incident_response=replace(">grade_level<", ">grade_severity<"))
    problem = only(problems_of(files), MAIN, "grade_incident")
    assert "'grade_severity'" in problem.message


def test_recursive_call_activity() -> None:
    call = ('<bpmn:callActivity id="call_back" calledElement="incident_response">'
            "<bpmn:incoming>flow_deployed</bpmn:incoming></bpmn:callActivity>")
    files = bundle(dispatch_team=replace(
        '<bpmn:endEvent id="dispatch_end">\n      <bpmn:incoming>flow_deployed</bpmn:incoming>',
        f'{call}<bpmn:endEvent id="dispatch_end">'))
    problems = problems_of(files)
    assert "recurses" in only(problems, CALLED, "call_back").message


# --- 3. lanes ----------------------------------------------------------------------------------


def test_user_task_without_a_lane() -> None:
    files = bundle(incident_response=replace(
        "<bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>", ""))
    assert "has no seat" in only(problems_of(files), MAIN, "escalate").message


def test_user_task_without_a_lane_in_a_called_process() -> None:
    files = bundle(dispatch_team=replace(
        "<bpmn:flowNodeRef>deploy_fire_team</bpmn:flowNodeRef>", ""))
    assert "has no seat" in only(problems_of(files), CALLED, "deploy_fire_team").message


def test_lane_name_that_is_not_a_role_key() -> None:
    files = bundle(incident_response=replace('name="duty_officer"', 'name="Duty Officer"'))
    assert "'Duty Officer'" in only(problems_of(files), MAIN, "lane_duty_officer").message


# --- 4. forms and phases ----------------------------------------------------------------------


def test_user_task_without_form_key_gets_the_confirmation_form_with_a_warning() -> None:
    files = bundle(incident_response=replace(
        '<spiffworkflow:property name="formKey" value="escalation_note"/>', ""))
    parsed = parse_bundle(files, known_form_keys=FORMS)
    [warning] = parsed.warnings
    assert (warning.file, warning.element, warning.message.code) == (MAIN, "escalate", "model.user_task_confirmation")
    escalate = next(t for t in parsed.processes["incident_response"].user_tasks if t.spec_name == "escalate")
    assert escalate.form_key == "task_confirmation"


def test_form_key_without_schema() -> None:
    problems = problems_of(bundle(), FORMS - {"fire_deployment"})
    problem = only(problems, CALLED, "deploy_fire_team")
    assert "'fire_deployment'" in problem.message and "schema" in problem.message


def test_invalid_phase() -> None:
    files = bundle(incident_response=replace('value="learning"', 'value="review"'))
    assert "'review'" in only(problems_of(files), MAIN, "after_action_review").message


# --- 4b. service task operators ----------------------------------------------------------------

OPERATORS = {"notify_team", "open_hazard", "record_decision"}


def with_service_task(operator: str = 'id="notify_team"') -> dict[str, bytes]:
    """The valid bundle with a service task `notify_crew` after deploy_fire_team in the called
    process; `operator` gives the attributes of its spiffworkflow:serviceTaskOperator."""
    task = ('<bpmn:serviceTask id="notify_crew" name="Notify the crew"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator {operator}><spiffworkflow:parameters>'
            '<spiffworkflow:parameter id="team" type="str" value="\'fire\'"/>'
            "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
            "</bpmn:extensionElements><bpmn:incoming>flow_deployed</bpmn:incoming>"
            "<bpmn:outgoing>flow_notified</bpmn:outgoing></bpmn:serviceTask>"
            '<bpmn:sequenceFlow id="flow_notified" sourceRef="notify_crew" targetRef="dispatch_end"/>')
    return bundle(dispatch_team=lambda t: replace(
        'sourceRef="deploy_fire_team" targetRef="dispatch_end"/>',
        f'sourceRef="deploy_fire_team" targetRef="notify_crew"/>{task}')(replace(
            "<bpmn:endEvent id=\"dispatch_end\">\n      <bpmn:incoming>flow_deployed",
            "<bpmn:endEvent id=\"dispatch_end\">\n      <bpmn:incoming>flow_notified")(t)))


def test_known_operators_pass_and_are_listed_with_called_processes() -> None:
    assert {info.operators for info in parse().processes.values()} == {()}
    parsed = parse_bundle(with_service_task(), known_form_keys=FORMS, known_operators=OPERATORS)
    assert parsed.processes["dispatch_team"].operators == ("notify_team",)
    assert parsed.processes["incident_response"].operators == ("notify_team",)  # via the call


def test_unknown_operator_is_refused_naming_element_and_operator() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_bundle(with_service_task('id="notify_everyone"'), known_form_keys=FORMS,
                     known_operators=OPERATORS)
    problem = only(caught.value.problems, CALLED, "notify_crew")
    assert "'notify_everyone'" in problem.message
    assert "notify_team, open_hazard, record_decision" in problem.message


def test_operator_without_an_id_is_refused_when_operators_are_checked() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_bundle(with_service_task('resultVariable="sent"'), known_form_keys=FORMS,
                     known_operators=OPERATORS)
    messages = [p.message for p in caught.value.problems if p.element == "notify_crew"]
    assert any("without an id" in m for m in messages), messages


def test_operators_are_not_checked_without_a_set() -> None:
    files = with_service_task('id="notify_everyone"')
    assert parse_bundle(files, known_form_keys=FORMS).processes["dispatch_team"].operators == (
        "notify_everyone",)
    with pytest.raises(InvalidDefinition):
        parse_bundle(files, known_form_keys=FORMS, known_operators=set())
    spec, _ = build_specs(files, "dispatch_team")  # the stored specs never check operators
    assert spec.task_specs["notify_crew"].operation_name == "notify_everyone"

# --- 5. expressions and scripts -----------------------------------------------------------------


def test_gateway_condition_refused_by_the_sandbox() -> None:
    files = bundle(incident_response=replace(
        'response_level in ("I", "II")', "__import__('os').system('id')"))
    problem = only(problems_of(files), MAIN, "flow_serious")
    assert "condition" in problem.message and "__import__" in problem.message


def test_condition_syntax_error() -> None:
    files = bundle(incident_response=replace('response_level in ("I", "II")', "response_level =="))
    assert "condition" in only(problems_of(files), MAIN, "flow_serious").message


def test_script_task_and_pre_script() -> None:
    script = ('<bpmn:scriptTask id="tally" name="Tally"><bpmn:incoming>flow_merged</bpmn:incoming>'
              "<bpmn:outgoing>flow_tallied</bpmn:outgoing>"
              "<bpmn:script>import os\nos.remove('/tmp/x')</bpmn:script></bpmn:scriptTask>"
              '<bpmn:sequenceFlow id="flow_tallied" sourceRef="tally" targetRef="command_on_scene"/>')
    pre = ("<spiffworkflow:preScript>open('/etc/passwd').read()</spiffworkflow:preScript>"
           "<spiffworkflow:properties>")
    files = bundle(incident_response=lambda text: replace(
        '<bpmn:sequenceFlow id="flow_merged" sourceRef="merge_gateway" targetRef="command_on_scene"/>',
        '<bpmn:sequenceFlow id="flow_merged" sourceRef="merge_gateway" targetRef="tally"/>' + script,
    )(replace("<spiffworkflow:properties>", pre, 3)(text)))
    problems = problems_of(files)
    assert "import" in only(problems, MAIN, "tally").message
    assert "pre-script" in only(problems, MAIN, "grade_incident").message


@pytest.mark.parametrize(("timer", "expected"), [
    ("PT30M", 'write "PT30M" with the quotes'),
    ('"30 minutes"', "not a valid ISO 8601 duration"),
    ("30", "ISO 8601 duration string"),
    ('"P"', "empty"),
    ("__import__('time').sleep(9)", "refused"),
])
def test_timer_expressions(timer: str, expected: str) -> None:
    files = bundle(incident_response=replace('"PT30M"', timer))
    assert expected in only(problems_of(files), MAIN, "command_overdue").message


def test_timer_date_needs_a_time_zone_and_cycles_need_r() -> None:
    files = bundle(incident_response=replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT30M"</bpmn:timeDuration>',
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2026-05-01T08:00:00"</bpmn:timeDate>'))
    assert "time zone" in only(problems_of(files), MAIN, "command_overdue").message
    files = bundle(incident_response=replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT30M"</bpmn:timeDuration>',
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"PT10M"</bpmn:timeCycle>'))
    assert "starts with R" in only(problems_of(files), MAIN, "command_overdue").message


def test_valid_dynamic_and_fixed_timers_are_accepted() -> None:
    for timer in ('deadline', '"2026-05-01T08:00:00+08:00"', '"R3/PT10M"'):
        kind = "timeDate" if "2026" in timer or timer == "deadline" else "timeCycle"
        parse(bundle(incident_response=replace(
            '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT30M"</bpmn:timeDuration>',
            f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{timer}</bpmn:{kind}>')))


def test_message_payload_and_correlation_expressions() -> None:
    payload = ('<bpmn:messageEventDefinition id="response_over_definition" '
               'messageRef="message_response_over"><bpmn:extensionElements>'
               "<spiffworkflow:messagePayload>().__class__.__base__.__subclasses__()"
               "</spiffworkflow:messagePayload></bpmn:extensionElements>"
               "</bpmn:messageEventDefinition>")
    correlation = ('<bpmn:correlationProperty id="incident_ref" name="Incident">'
                   '<bpmn:correlationPropertyRetrievalExpression messageRef="message_response_over">'
                   "<bpmn:formalExpression>__builtins__</bpmn:formalExpression>"
                   "</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>")
    files = bundle(incident_response=lambda text: replace(
        '<bpmn:messageEventDefinition id="response_over_definition" '
        'messageRef="message_response_over"/>', payload)(replace(
            "</bpmn:definitions>", correlation + "</bpmn:definitions>")(text)))
    problems = problems_of(files)
    assert "message payload" in only(problems, MAIN, "wait_response_over").message
    assert "correlation" in only(problems, MAIN, "incident_ref").message


def test_multi_instance_and_loop_expressions() -> None:
    loop = ('<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
            "<bpmn:loopCardinality>len(__builtins__)</bpmn:loopCardinality>"
            "<bpmn:completionCondition>_done</bpmn:completionCondition>"
            "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>")
    files = bundle(dispatch_team=replace(
        '<bpmn:outgoing>flow_deployed</bpmn:outgoing>\n    </bpmn:userTask>',
        f"<bpmn:outgoing>flow_deployed</bpmn:outgoing>{loop}"))
    messages = [p.message for p in problems_of(files) if p.element == "deploy_fire_team"]
    assert any("loop cardinality" in m for m in messages)
    assert any("completion condition" in m for m in messages)


@pytest.mark.parametrize(("cell", "expected"), [
    ("&gt;= __import__('os').getpid()", "(evaluated as `casualties>= __import__"),
    ("in (1, 2)", "becomes `casualtiesin (1, 2)`"),
    ("&gt;= &gt;=", "neither a value nor a comparison"),
    (" ", "blank"),
])
def test_dmn_input_cells_are_checked_as_the_engine_evaluates_them(cell: str, expected: str) -> None:
    files = bundle(grading=replace("&gt;= 10", cell))
    problem = only(problems_of(files), DMN, "rule_particularly_serious_casualties")
    assert expected in problem.message


def test_dmn_placeholder_cells_and_outputs() -> None:
    files = bundle(grading=lambda text: replace('"II"', "__import__('os')")(
        replace("3 &lt;= ? &lt; 10", "? in ().__class__.__mro__")(text)))
    problems = problems_of(files)
    assert "dmninputexpr in ().__class__" in only(problems, DMN, "rule_serious_casualties").message
    assert "output" in only(problems, DMN, "rule_serious_level").message


def test_dmn_input_expression() -> None:
    files = bundle(grading=replace("<text>casualties</text>", "<text>_secret</text>"))
    assert "input expression" in only(problems_of(files), DMN, "input_casualties").message


def test_dmn_placeholder_replacement_matches_the_engine() -> None:
    """specs.py replaces `?` in linear time; the engine uses this regex (quadratic)."""
    pattern = r'''(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)'''
    assert pattern in inspect.getsource(DMNEngine.evaluate)
    engine_regex = re.compile(pattern)
    rng = random.Random(7)
    for _ in range(5000):
        cell = "".join(rng.choice("?'\"a \n") for _ in range(rng.randint(0, 12)))
        assert _replace_placeholders(cell) == engine_regex.sub("dmninputexpr", cell), cell


def test_dmn_structure_problems() -> None:
    two = replace("</definitions>", '<decision id="second" name="Second"/></definitions>')
    problem = only(problems_of(bundle(grading=two)), DMN, None)
    assert "exactly one decision" in problem.message
    files = bundle(grading=replace("<text>casualties</text>", "<text></text>"))
    assert "no inputExpression" in only(problems_of(files), DMN, "input_casualties").message


# --- 6. flows: dangling ends and unbounded back-edges ------------------------------------------


def test_gateway_back_edge_deploys() -> None:
    """The ordinary rework loop runs flat (engine/workflow/flatten.py): deploy accepts it."""
    back = ('<bpmn:sequenceFlow id="flow_again" sourceRef="level_gateway" '
            'targetRef="report_incident"><bpmn:conditionExpression>response_level == "?"'
            "</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process>")
    parsed = parse_bundle(bundle(incident_response=replace("</bpmn:process>", back)), known_form_keys=FORMS)
    assert "incident_response" in parsed.processes


def test_loop_through_a_parallel_gateway_is_refused() -> None:
    back = ('<bpmn:sequenceFlow id="flow_again" sourceRef="merge_gateway" targetRef="report_incident"/>'
            "</bpmn:process>")

    def parallel_merge(text: str) -> str:
        head, tail = text.split('<bpmn:exclusiveGateway id="merge_gateway"')
        tail = tail.replace("</bpmn:exclusiveGateway>", "</bpmn:parallelGateway>", 1)
        return replace("</bpmn:process>", back)(f'{head}<bpmn:parallelGateway id="merge_gateway"{tail}')

    files = bundle(incident_response=parallel_merge)
    problem = only(problems_of(files), MAIN, "flow_again")
    assert problem.message.code == "model.loop_through_gateway"
    assert "back to 'report_incident'" in problem.message and "parallelGateway 'merge_gateway'" in problem.message


def test_loop_through_a_boundary_event_is_refused() -> None:
    files = bundle(incident_response=replace(
        'sourceRef="escalate" targetRef="end_escalated"',
        'sourceRef="escalate" targetRef="command_on_scene"'))
    problem = only(problems_of(files), MAIN, "flow_escalated")
    assert problem.message.code == "model.loop_through_boundary_event"
    assert "back to 'command_on_scene'" in problem.message and "'command_overdue'" in problem.message


def test_flow_or_boundary_event_pointing_outside_its_process() -> None:
    files = bundle(incident_response=lambda text: replace(
        'attachedToRef="command_on_scene"', 'attachedToRef="deploy_fire_team"')(replace(
            'sourceRef="escalate" targetRef="end_escalated"',
            'sourceRef="escalate" targetRef="dispatch_end"')(text)))
    problems = problems_of(files)
    assert "'dispatch_end'" in only(problems, MAIN, "flow_escalated").message
    assert "'deploy_fire_team'" in only(problems, MAIN, "command_overdue").message


# --- 7. nothing to run, and all problems at once ------------------------------------------------


def test_no_executable_process() -> None:
    files = {CALLED: bundle()[CALLED].replace(b'isExecutable="true"', b'isExecutable="false"')}
    problem = only(problems_of(files), None, None)
    assert "no executable process" in problem.message


def test_every_problem_is_reported_at_once() -> None:
    files = bundle(
        incident_response=lambda t: replace('value="learning"', 'value="review"')(
            replace("<bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>", "")(t)),
        grading=replace('"II"', "__import__('os')"),
    )
    files["notes.txt"] = b""
    located = {(p.file, p.element) for p in problems_of(files)}
    assert {(MAIN, "after_action_review"), (MAIN, "escalate"), (DMN, "rule_serious_level"),
            ("notes.txt", None)} <= located


# --- stored specs and the registry -----------------------------------------------------------------------------


def _ready(workflow: BpmnWorkflow) -> list[str]:
    return sorted(t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY, manual=True))


def test_dump_and_load_round_trip_runs_to_the_first_user_task() -> None:
    text = dump_specs(bundle(), "incident_response")
    spec, subprocess_specs = load_specs(text)
    assert spec.name == "incident_response" and set(subprocess_specs) == {"dispatch_team"}
    workflow = BpmnWorkflow(spec, dict(subprocess_specs))
    workflow.do_engine_steps()
    assert _ready(workflow) == ["report_incident"]
    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    assert task.task_spec.lane == "duty_officer"
    assert task.task_spec.extensions["properties"]["formKey"] == "incident_report"
    task.set_data(casualties=12)
    task.run()
    workflow.do_engine_steps()
    assert _ready(workflow) == ["deploy_fire_team"]  # graded I by the DMN, then called
    assert workflow.get_tasks(state=TaskState.READY, manual=True)[0].task_spec.lane == "fire"


def test_dump_is_deterministic_and_load_is_cached() -> None:
    text = dump_specs(bundle(), "incident_response")
    assert dump_specs(bundle(), "incident_response") == text
    copy = "".join([text[:10], text[10:]])  # equal content, another object
    assert copy is not text
    first, second = load_specs(text), load_specs(copy)
    assert first[0] is second[0] and first[1] is second[1]
    assert load_specs(dump_specs(bundle(), "dispatch_team"))[0] is not first[0]


def test_registry_round_trips_decimals_and_dates() -> None:
    data = {"loss": Decimal("1234.50"), "day": date(2026, 5, 12),
            "at": datetime(2026, 5, 12, 6, 0, tzinfo=UTC)}
    converted = REGISTRY.convert(data)
    assert json.loads(json.dumps(converted)) == converted
    restored = REGISTRY.restore(converted)
    assert restored == data and type(restored["day"]) is date


def test_build_specs_refuses_an_unknown_process() -> None:
    with pytest.raises(InvalidDefinition) as caught:
        build_specs(bundle(), "no_such_process")
    assert caught.value.problems[0].element == "no_such_process"


def test_shared_spec_serves_many_workflows_at_once() -> None:
    spec, subprocess_specs = load_specs(dump_specs(bundle(), "incident_response"))
    results: list[list[str]] = []

    def run(casualties: int) -> None:
        workflow = BpmnWorkflow(spec, dict(subprocess_specs))
        workflow.do_engine_steps()
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.set_data(casualties=casualties)
        task.run()
        workflow.do_engine_steps()
        results.append(_ready(workflow))

    casualties = [n % 12 for n in range(24)]
    threads = [threading.Thread(target=run, args=(n,)) for n in casualties]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [["deploy_fire_team"] if n >= 3 else ["command_on_scene"] for n in casualties]
    assert sorted(results) == sorted(expected)
    assert [t.name for t in spec.start.outputs] == ["start"]  # the spec did not change


EVENT_SUBPROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="alarm_definitions" targetNamespace="http://renxing.example/bpmn">
  <bpmn:process id="alarm_watch" isExecutable="true">
    <bpmn:laneSet id="alarm_lanes"><bpmn:lane id="lane_duty" name="duty_officer">
      <bpmn:flowNodeRef>watch</bpmn:flowNodeRef><bpmn:flowNodeRef>on_alarm</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="watch_start"/>
    <bpmn:userTask id="watch"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formKey" value="incident_report"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="watch_end"/>
    <bpmn:sequenceFlow id="w1" sourceRef="watch_start" targetRef="watch"/>
    <bpmn:sequenceFlow id="w2" sourceRef="watch" targetRef="watch_end"/>
    <bpmn:subProcess id="on_alarm" triggeredByEvent="true">
      <bpmn:startEvent id="alarm_start" isInterrupting="false">
        <bpmn:messageEventDefinition id="alarm_definition" messageRef="message_alarm"/>
      </bpmn:startEvent>
      <bpmn:userTask id="handle_alarm"><bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formKey" value="escalation_note"/>
      </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
      <bpmn:endEvent id="alarm_end"/>
      <bpmn:sequenceFlow id="a1" sourceRef="alarm_start" targetRef="handle_alarm"/>
      <bpmn:sequenceFlow id="a2" sourceRef="handle_alarm" targetRef="alarm_end"/>
    </bpmn:subProcess>
  </bpmn:process>
  <bpmn:message id="message_alarm" name="alarm"/>
</bpmn:definitions>"""


def test_shared_spec_is_not_used_when_the_library_would_change_it() -> None:
    """SpiffWorkflow connects a message-started event subprocess to Start/End the first time
    it is triggered; a later workflow of that same spec object would then never complete."""
    files = {"alarm.bpmn": EVENT_SUBPROCESS.encode()}
    info = parse_bundle(files, known_form_keys=FORMS).processes["alarm_watch"]
    assert info.messages == ("alarm",)
    assert {t.lane for t in info.user_tasks} == {"duty_officer"}  # inherited from on_alarm
    text = dump_specs(files, "alarm_watch")

    first = BpmnWorkflow(*load_specs(text))
    first.do_engine_steps()
    first.send_event(BpmnEvent(MessageEventDefinition("alarm"), {}))
    first.do_engine_steps()
    assert _ready(first) == ["handle_alarm", "watch"]

    spec, subprocess_specs = load_specs(text)
    assert spec is not first.spec  # restored afresh: this spec can change while running
    later = BpmnWorkflow(spec, dict(subprocess_specs))
    later.do_engine_steps()
    for task in later.get_tasks(state=TaskState.READY, manual=True):
        task.run()
    later.do_engine_steps()
    assert later.is_completed()
