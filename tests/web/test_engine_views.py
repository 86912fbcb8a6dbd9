"""The data behind the pages: diagrams with their elements' states, dashboard counts, the report."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from engine.models import Hazard, ImprovementAction
from engine.overview import dashboard, diagram, reports
from engine.workflow import dump_specs, model_elements
from tests.scenario import Scenario

TINY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="http://renxing.test">
  <bpmn:process id="tiny" isExecutable="true">
    <bpmn:laneSet><bpmn:lane id="lane_a" name="grid_worker">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>t</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="t" name="Check the house">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formKey" value="generic_note"/>
        <spiffworkflow:property name="phase" value="response"/>
        <spiffworkflow:property name="name_zh" value="检查房屋"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f</bpmn:incoming><bpmn:outgoing>g</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>g</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/>
    <bpmn:sequenceFlow id="g" sourceRef="t" targetRef="e"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="tiny">
    <bpmndi:BPMNShape id="lane_a_di" bpmnElement="lane_a">
      <dc:Bounds x="0" y="0" width="400" height="120"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="40" y="40" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="t_di" bpmnElement="t"><dc:Bounds x="120" y="20" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="e_di" bpmnElement="e"><dc:Bounds x="280" y="40" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f_di" bpmnElement="f">
      <di:waypoint x="76" y="58"/><di:waypoint x="120" y="58"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="g_di" bpmnElement="g">
      <di:waypoint x="220" y="58"/><di:waypoint x="280" y="58"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_model_elements_through_the_workflow_facade() -> None:
    elements = {e.element_id: e for e in model_elements(dump_specs({"tiny.bpmn": TINY.encode()}, "tiny"))}
    assert set(elements) == {"s", "t", "e"}
    task = elements["t"]
    assert (task.file, task.kind, task.name, task.name_zh, task.lane) == (
        "tiny.bpmn", "user_task", "Check the house", "检查房屋", "grid_worker")
    assert elements["s"].kind == "event" and elements["s"].name_zh is None


def test_incident_states_after_a_deadline_passes(db: Database, clock: ManualClock) -> None:
    play = Scenario(db)
    incident_id = play.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        play.complete(incident_id, element)
    clock.advance(timedelta(minutes=31))
    timers.sweep(db)
    with db.read() as session:
        main, recovery = diagram.for_incident(session=session, incident_id=incident_id, now=clock.now())
    state = {e.element_id: e.state for e in main.elements}
    assert main.file == "community_incident.bpmn" and "<bpmn:process id=\"community_incident\"" in main.xml
    assert state["activate_response"] == "done" and state["fire_rescue"] == "overdue"
    assert state["escalate_fire_delay"] == "ready" and state["medical_care"] == "ready"
    assert state["wait_response_over"] is None and state["response_split"] == "done"
    assert main.marks["fire_rescue"] == "overdue" and "wait_response_over" not in main.marks
    taken = set(main.taken)
    assert {("level_gateway", "report_to_district"), ("fire_rescue_deadline", "escalate_fire_delay")} <= taken
    assert ("level_gateway", "level_merge") not in taken
    assert recovery.file == "community_recovery.bpmn"
    assert all(e.state is None for e in recovery.elements) and not recovery.taken


def test_dashboard_counts(db: Database, clock: ManualClock) -> None:
    play = Scenario(db)
    first = play.start()
    play.start(exercise=True)
    play.complete(first, "record_report")
    clock.advance(timedelta(hours=1))
    moment = clock.now()
    with db.transaction() as session:
        session.add_all([
            Hazard(incident_id=first, unit="Grid 3", location="Block 2", facility="gas", description="Leaking valve",
                   grade=grade, owner_seat="grid_worker", deadline=moment, status=status, note=None,
                   found_by="x", found_at=moment, updated_at=moment)
            for grade, status in (("major", "open"), ("general", "rectifying"), ("general", "closed"))])
        session.add_all([
            ImprovementAction(incident_id=first, source="after_action_review", title=title, owner_seat="plan_owner",
                              plan_unit="Grid 3", due_at=moment + delta, status="open", created_by="x",
                              created_at=moment, done_at=None)
            for title, delta in (("Clear fire lanes", timedelta(days=-1)), ("Train guards", timedelta(days=10)),
                                 ("New hydrant", timedelta(days=90)))])
    with db.read() as session:
        board = dashboard.overview(session=session)
        with_drills = dashboard.overview(session=session, include_exercises=True)
    assert board.by_level["II"] == 1 and board.by_phase["response"] == 1
    assert with_drills.by_level[""] == 1 and with_drills.by_phase["response"] == 2
    assert board.hazards_by_grade == {"major": 1, "general": 1}
    assert board.actions_due == {"overdue": 1, "soon": 1, "later": 1}
    assert [a.title for a in board.actions][0] == "Clear fire lanes" and board.actions[0].overdue


def test_after_action_report_gathers_lessons(db: Database, clock: ManualClock) -> None:
    play = Scenario(db)
    incident_id = play.start()
    for element in ("record_report", "report_to_district", "activate_response", "medical_care", "fire_rescue"):
        play.complete(incident_id, element)
    play.message(incident_id, "response_over")
    for element in ("damage_statistics", "verify_statistics", "relief_distribution", "after_action_review"):
        play.complete(incident_id, element)
    with db.read() as session:
        found = reports.after_action(session=session, incident_id=incident_id)
    assert found.incident.status == "closed" and found.chain.ok
    assert found.lessons == ["Keep fire lanes clear", "Pre-assign a second engine company"]
    assert found.reviews[0].answers["why"].startswith("Parked cars")
    assert [p.phase for p in found.phases] == ["response", "recovery", "learning", "closed"]
    assert found.events[0].action == "incident_started"
