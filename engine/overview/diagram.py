"""A model's own diagram (BPMN DI) as plain data, and where an incident stands on it.

Why here and not in a template: the shapes come from the deployed files exactly as drawn by the
modeller, and the state of each element comes from the incident's `workflow_tasks` rows, so the
picture a commander sees is the workflow the engine runs — never a second drawing that can drift.
Pure data: the pages turn it into SVG. SpiffWorkflow is not imported; its task-state flags are
stable numbers, checked against the library by a test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.messages import INCIDENT_NOT_FOUND
from engine.models import Incident, ProcessDefinition, WorkflowTaskRow

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"

#: SpiffWorkflow TaskState flags (SpiffWorkflow.util.task.TaskState) -> what a person sees.
WAITING, READY, STARTED, COMPLETED, ERROR, CANCELLED = 8, 16, 32, 64, 128, 256
STATE_NAMES = {READY: "active", STARTED: "active", WAITING: "waiting", ERROR: "error",
               COMPLETED: "completed", CANCELLED: "cancelled"}
#: When one element has several task rows (loops, repeats), the most telling state wins.
PRIORITY = ("active", "waiting", "error", "completed", "cancelled")

ACTIVITIES = {"task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "manualTask", "sendTask",
              "receiveTask", "callActivity", "subProcess", "transaction"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
EDGES = {"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"}


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Shape:
    element_id: str
    #: The BPMN element's tag (userTask, boundaryEvent, parallelGateway, …).
    tag: str
    #: activity | event | gateway | artifact
    kind: str
    name: str
    bounds: Bounds
    label: Bounds | None
    process_id: str | None
    #: timer | message | signal | error | escalation | conditional | terminate | None
    trigger: str | None = None
    #: active | waiting | completed | cancelled | error | None (not reached)
    state: str | None = None


@dataclass(frozen=True)
class Edge:
    element_id: str
    tag: str
    name: str
    points: tuple[tuple[float, float], ...]
    source: str | None
    target: str | None
    label: Bounds | None
    taken: bool = False


@dataclass(frozen=True)
class Lane:
    element_id: str
    name: str
    bounds: Bounds
    participant: bool
    horizontal: bool


@dataclass(frozen=True)
class Diagram:
    diagram_id: str
    file: str
    process_ids: tuple[str, ...]
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]
    lanes: tuple[Lane, ...]
    view: Bounds


@dataclass(frozen=True)
class _Element:
    tag: str
    name: str
    process_id: str | None
    trigger: str | None
    source: str | None
    target: str | None
    called: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _bounds(node: Element | None) -> Bounds | None:
    if node is None:
        return None
    try:
        return Bounds(*(float(node.get(k, "0")) for k in ("x", "y", "width", "height")))
    except ValueError:
        return None


def _trigger(node: Element) -> str | None:
    for child in node:
        name = _local(child.tag)
        if name.endswith("EventDefinition"):
            return name[: -len("EventDefinition")]
    return None


def _collect(node: Element, process_id: str | None, out: dict[str, _Element]) -> None:
    """Every element with an id, remembering the top-level process it belongs to."""
    for child in node:
        tag = _local(child.tag)
        element_id = child.get("id")
        owner = process_id
        if tag == "process":
            owner = element_id
        elif tag == "participant":
            out[element_id or ""] = _Element(tag, child.get("name") or "", child.get("processRef"), None,
                                             None, None, None)
        if element_id and tag != "participant":
            out[element_id] = _Element(tag, child.get("name") or "", owner, _trigger(child),
                                       child.get("sourceRef"), child.get("targetRef"), child.get("calledElement"))
        _collect(child, owner, out)


def _kind(tag: str) -> str:
    if tag in ACTIVITIES:
        return "activity"
    if tag in EVENTS:
        return "event"
    if tag in GATEWAYS:
        return "gateway"
    return "artifact"


def _view(shapes: Iterable[Shape], edges: Iterable[Edge], lanes: Iterable[Lane]) -> Bounds:
    boxes = [s.bounds for s in shapes] + [s.label for s in shapes if s.label] + [lane.bounds for lane in lanes]
    xs = [b.x for b in boxes] + [p[0] for e in edges for p in e.points]
    ys = [b.y for b in boxes] + [p[1] for e in edges for p in e.points]
    x2 = [b.x + b.width for b in boxes] + xs
    y2 = [b.y + b.height for b in boxes] + ys
    if not xs:
        return Bounds(0, 0, 100, 100)
    pad = 10.0
    return Bounds(min(xs) - pad, min(ys) - pad, max(x2) - min(xs) + 2 * pad, max(y2) - min(ys) + 2 * pad)


def parse_file(name: str, text: str) -> tuple[list[Diagram], dict[str, _Element]]:
    """The diagrams of one BPMN file, and its elements by id."""
    root = ElementTree.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    elements: dict[str, _Element] = {}
    _collect(root, None, elements)
    found = []
    for diagram in root.iter(f"{BPMNDI}BPMNDiagram"):
        shapes: list[Shape] = []
        edges: list[Edge] = []
        lanes: list[Lane] = []
        processes: list[str] = []
        for plane in diagram.iter(f"{BPMNDI}BPMNPlane"):
            ref = elements.get(plane.get("bpmnElement") or "")
            if ref is not None and ref.tag == "process":
                processes.append(plane.get("bpmnElement") or "")
            for node in plane:
                element_id = node.get("bpmnElement") or ""
                element = elements.get(element_id)
                if element is None:
                    continue
                label_node = node.find(f"{BPMNDI}BPMNLabel/{DC}Bounds")
                if _local(node.tag) == "BPMNShape":
                    bounds = _bounds(node.find(f"{DC}Bounds"))
                    if bounds is None:
                        continue
                    if element.tag in ("participant", "lane"):
                        if element.tag == "participant" and element.process_id:
                            processes.append(element.process_id)
                        lanes.append(Lane(element_id, element.name, bounds, element.tag == "participant",
                                          node.get("isHorizontal", "true") != "false"))
                        continue
                    shapes.append(Shape(element_id, element.tag, _kind(element.tag), element.name, bounds,
                                        _bounds(label_node), element.process_id, element.trigger))
                elif _local(node.tag) == "BPMNEdge":
                    points = tuple((float(p.get("x", "0")), float(p.get("y", "0")))
                                   for p in node.findall(f"{DI}waypoint"))
                    edges.append(Edge(element_id, element.tag, element.name, points, element.source,
                                      element.target, _bounds(label_node)))
        found.append(Diagram(diagram.get("id") or name, name, tuple(dict.fromkeys(processes)), tuple(shapes),
                             tuple(edges), tuple(lanes), _view(shapes, edges, lanes)))
    return found, elements


def for_files(files: Mapping[str, str], main_process: str | None = None) -> list[Diagram]:
    """Every diagram in a bundle's BPMN files; the one drawing `main_process` first."""
    found: list[Diagram] = []
    for name in sorted(files):
        if name.endswith(".bpmn"):
            found.extend(parse_file(name, files[name])[0])
    found.sort(key=lambda d: (main_process not in d.process_ids, d.file))
    return found


def for_definition(definition: ProcessDefinition) -> list[Diagram]:
    return for_files(definition.files, definition.process_id)


@dataclass(frozen=True)
class Progress:
    """Where an incident stands: each element's state, and each flow it actually took."""

    states: dict[tuple[str, str], str]
    #: (process id, source element, target element) for every step the workflow made.
    taken: frozenset[tuple[str, str, str]]


def progress(session: Session, incident: Incident, definition: ProcessDefinition) -> Progress:
    """Read from the incident's workflow rows (the workflow itself is never loaded)."""
    elements: dict[str, _Element] = {}
    for name, text in definition.files.items():
        if name.endswith(".bpmn"):
            elements.update(parse_file(name, text)[1])
    rows = session.execute(
        select(WorkflowTaskRow.id, WorkflowTaskRow.workflow_id, WorkflowTaskRow.parent_id,
               WorkflowTaskRow.task_spec, WorkflowTaskRow.state)
        .where(WorkflowTaskRow.incident_id == incident.id)
    ).all()
    by_id = {row.id: row for row in rows}
    memo: dict[str, str] = {"": definition.process_id}

    def process_of(workflow_id: str, depth: int = 0) -> str:
        if workflow_id in memo or depth > 20:
            return memo.get(workflow_id, definition.process_id)
        starter = by_id.get(workflow_id)
        element = elements.get(starter.task_spec) if starter else None
        if element is not None and element.tag == "callActivity" and element.called:
            memo[workflow_id] = element.called
        else:  # an embedded subprocess: its elements live in the parent's process
            memo[workflow_id] = process_of(starter.workflow_id, depth + 1) if starter else definition.process_id
        return memo[workflow_id]

    def element_parent(row: object) -> str | None:
        """The nearest ancestor that is a drawn element (skipping the library's helper tasks)."""
        parent = by_id.get(getattr(row, "parent_id", None) or "")
        for _ in range(10):
            if parent is None:
                return None
            if parent.task_spec in elements:
                return str(parent.task_spec)
            parent = by_id.get(parent.parent_id or "")
        return None

    states: dict[tuple[str, str], str] = {}
    taken: set[tuple[str, str, str]] = set()
    #: A parallel join completes once; its copies on the other branches are cancelled, yet taken.
    joined: set[tuple[str, str, str]] = set()
    for row in rows:
        state = STATE_NAMES.get(row.state)
        if state is None or row.task_spec not in elements:
            continue
        process = process_of(row.workflow_id)
        key = (process, row.task_spec)
        current = states.get(key)
        if current is None or PRIORITY.index(state) < PRIORITY.index(current):
            states[key] = state
        source = element_parent(row)
        if source is not None and state in ("active", "waiting", "completed", "error"):
            taken.add((process, source, row.task_spec))
        elif source is not None and state == "cancelled":
            joined.add((process, source, row.task_spec))
    reached = {key for key, state in states.items() if state in ("active", "waiting", "completed")}
    taken.update(t for t in joined if (t[0], t[2]) in reached)
    return Progress(states, frozenset(taken))


def with_progress(diagram: Diagram, progress: Progress) -> Diagram:
    """The diagram with each shape's state and the flows the incident took marked."""
    shapes = tuple(replace(s, state=progress.states.get((s.process_id or "", s.element_id)))
                   for s in diagram.shapes)
    process_of = {s.element_id: s.process_id or "" for s in shapes}
    edges = tuple(
        replace(e, taken=(process_of.get(e.source or "", ""), e.source, e.target) in progress.taken)
        for e in diagram.edges
    )
    return replace(diagram, shapes=shapes, edges=edges)


def for_incident(*, session: Session, incident_id: int) -> list[Diagram]:
    """The incident's model drawn from its own DI, each element marked with where the incident stands."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(INCIDENT_NOT_FOUND, incident=incident_id)
    definition = session.get_one(ProcessDefinition, incident.definition_id)
    where = progress(session, incident, definition)
    return [with_progress(d, where) for d in for_definition(definition)]
