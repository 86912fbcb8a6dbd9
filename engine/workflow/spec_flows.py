"""Deploy-time checks of sequence flows: dangling ends, and the loop shapes that cannot run flat.

A loop built from a gateway back-edge runs: settled passes leave the live task tree (flatten.py,
SPIFFWORKFLOW.md trap 1). Two shapes are refused, each at the flow (or boundary event) that closes
the loop: a loop through a parallel, inclusive, event-based or complex gateway — into or out of
parallel branches, whose joins tell the passes' tokens apart by their ancestors — and a loop that
leaves through a boundary event, whose path back would run a second pass beside the first.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.workflow.flatten import cycles
from engine.workflow.spec_docs import CONTAINERS, Doc, Problems, local
from engine.workflow.spec_messages import (
    DATA_OBJECT_OUT_OF_REACH,
    FLOW_END_OUTSIDE,
    LOOP_THROUGH_BOUNDARY_EVENT,
    LOOP_THROUGH_GATEWAY,
)

__all__ = ["check_flows"]

_NOT_NODES = frozenset({"sequenceFlow", "laneSet", "dataObject", "dataObjectReference",
                        "dataStoreReference", "textAnnotation", "association", "group",
                        "property", "ioSpecification"})
Edge = tuple[str, str, str]  # (target, element that makes the edge, "flow" or "boundary")
#: Gateways whose joins wait for tokens by ancestry: a loop through one cannot run flat.
_BRANCHING = frozenset({"parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"})


def check_flows(doc: Doc, problems: Problems) -> None:
    """Per process or subprocess level: every flow joins two of its nodes, and no loop passes a
    branching gateway or leaves through a boundary event."""
    for container in doc.xpath("|".join(f"//bpmn:{tag}" for tag in CONTAINERS)):
        children = [c for c in container if isinstance(c.tag, str) and c.get("id")]
        nodes = [str(c.get("id")) for c in children if local(c) not in _NOT_NODES]
        edges: dict[str, list[Edge]] = {}
        for child in children:
            kind = local(child)
            ends = {"sequenceFlow": ("sourceRef", "targetRef"), "boundaryEvent": ("attachedToRef",)}
            for attribute in ends.get(kind, ()):
                if child.get(attribute) not in nodes:
                    problems.add(doc.name, child.get("id"),
                                 FLOW_END_OUTSIDE(attribute=attribute, ref=child.get(attribute) or ""))
            if kind == "sequenceFlow":
                edges.setdefault(child.get("sourceRef"), []).append(
                    (child.get("targetRef"), child.get("id"), "flow"))
            elif kind == "boundaryEvent":
                edges.setdefault(child.get("attachedToRef"), []).append(
                    (child.get("id"), child.get("id"), "boundary"))
        kinds = {str(c.get("id")): local(c) for c in children}
        _check_loops(doc, problems, nodes, edges, kinds)


def _check_loops(doc: Doc, problems: Problems, nodes: list[str], edges: Mapping[str, list[Edge]],
                 kinds: Mapping[str, str]) -> None:
    loops = cycles({node: [target for target, _, _ in edges.get(node, ())] for node in nodes})
    if not loops:
        return
    targets = {target for out in edges.values() for target, _, _ in out}
    nodes = sorted(nodes, key=lambda n: n not in edges or n in targets)  # entry points first
    for source, (target, via, _) in _back_edges(nodes, edges):
        loop = next(component for component in loops if source in component and target in component)
        events = sorted(n for n in loop if kinds.get(n) == "boundaryEvent")
        gateways = sorted(n for n in loop if kinds.get(n) in _BRANCHING)
        if events:
            problems.add(doc.name, via, LOOP_THROUGH_BOUNDARY_EVENT(source=source, target=target, event=events[0]))
        elif gateways:
            problems.add(doc.name, via, LOOP_THROUGH_GATEWAY(source=source, target=target, gateway=gateways[0],
                                                             kind=kinds[gateways[0]]))


def _back_edges(nodes: list[str], edges: Mapping[str, list[Edge]]) -> list[tuple[str, Edge]]:
    """Edges that close a cycle, by an iterative depth-first search (models can be deep)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found = []
    for root in nodes:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            node, outgoing = stack[-1]
            edge = next(outgoing, None)
            if edge is None:
                state[node] = 2
                stack.pop()
            elif state.get(edge[0]) == 1:
                found.append((node, edge))
            elif edge[0] not in state:
                state[edge[0]] = 1
                stack.append((edge[0], iter(edges.get(edge[0], ()))))
    return found


def check_data_objects(doc: Doc, problems: Problems) -> set[str]:
    """Data associations must reach a data object declared in the task's own (sub)process or the one
    just around it: SpiffWorkflow 3.2 looks further out in an endless loop, so deploy would hang.
    Returns the ids of the processes that must not be handed to the library."""
    unsafe: set[str] = set()
    for ref_id in doc.xpath("//bpmn:dataInputAssociation/bpmn:sourceRef | //bpmn:dataOutputAssociation/bpmn:targetRef"):
        reference = next(iter(doc.xpath(f"//bpmn:dataObjectReference[@id='{ref_id.text}']")), None) \
            if ref_id.text and "'" not in ref_id.text else None
        if reference is None:
            continue  # a data store, or an unknown id the library reports itself
        task = ref_id.getparent().getparent()
        containers = [a for a in task.iterancestors() if local(a) in CONTAINERS][:2]
        declared = {str(o.get("id")) for c in containers for o in c if local(o) == "dataObject"}
        if reference.get("dataObjectRef") not in declared:
            problems.add(doc.name, task.get("id"), DATA_OBJECT_OUT_OF_REACH(name=reference.get("dataObjectRef")))
            process = next((a for a in task.iterancestors() if local(a) == "process"), None)
            if process is not None:
                unsafe.add(str(process.get("id")))
    return unsafe
