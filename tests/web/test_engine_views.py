"""The data behind the pages: diagrams from DI with states, dashboard counts, the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from defusedxml import EntitiesForbidden
from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock
from engine.db import Database
from engine.incidents import timers
from engine.models import Hazard, ImprovementAction
from engine.overview import dashboard, diagram, reports
from tests.scenario import Scenario

TINY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d">
  <bpmn:process id="tiny" isExecutable="true">
    <bpmn:laneSet><bpmn:lane id="lane_a" name="grid_worker"/></bpmn:laneSet>
    <bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Check the house"/>
    <bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="tiny">
    <bpmndi:BPMNShape id="lane_a_di" bpmnElement="lane_a">
      <dc:Bounds x="0" y="0" width="400" height="120"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="40" y="40" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="t_di" bpmnElement="t"><dc:Bounds x="120" y="20" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="b_di" bpmnElement="b"><dc:Bounds x="180" y="82" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f_di" bpmnElement="f">
      <di:waypoint x="76" y="58"/><di:waypoint x="120" y="58"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_task_state_flags_match_spiffworkflow() -> None:
    assert (diagram.WAITING, diagram.READY, diagram.STARTED, diagram.COMPLETED, diagram.ERROR, diagram.CANCELLED) == (
        TaskState.WAITING, TaskState.READY, TaskState.STARTED, TaskState.COMPLETED, TaskState.ERROR,
        TaskState.CANCELLED)


def test_diagram_from_di() -> None:
    [drawn] = diagram.for_files({"tiny.bpmn": TINY, "rules.dmn": "<not parsed/>"}, "tiny")
    shapes = {s.element_id: s for s in drawn.shapes}
    assert drawn.process_ids == ("tiny",) and [lane.name for lane in drawn.lanes] == ["grid_worker"]
    assert shapes["t"].kind == "activity" and shapes["t"].name == "Check the house"
    assert shapes["b"].trigger == "timer" and shapes["s"].kind == "event"
    assert drawn.edges[0].points == ((76.0, 58.0), (120.0, 58.0)) and drawn.edges[0].source == "s"
    assert drawn.view.x == -10 and drawn.view.width == 420


def test_hostile_xml_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(EntitiesForbidden):
        diagram.parse_file("bomb.bpmn", bomb)


def test_incident_states_after_a_deadline_passes(db: Database, clock: ManualClock) -> None:
    play = Scenario(db)
    incident_id = play.start()
    for element in ("record_report", "report_to_district", "activate_response"):
        play.complete(incident_id, element)
    clock.advance(timedelta(minutes=31))
    timers.sweep(db)
    with db.read() as session:
        main, recovery = diagram.for_incident(session=session, incident_id=incident_id)
    state = {s.element_id: s.state for s in main.shapes}
    assert state["activate_response"] == "completed" and state["fire_rescue"] == "active"
    assert state["escalate_fire_delay"] == "active" and state["medical_care"] == "active"
    assert state["wait_response_over"] is None and state["response_split"] == "completed"
    taken = {e.element_id for e in main.edges if e.taken}
    assert {"flow_level_high", "flow_deadline_to_escalate"} <= taken and "flow_level_low" not in taken
    assert recovery.process_ids == ("community_recovery",)
    assert all(s.state is None for s in recovery.shapes)


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
