"""Deploy-time checks of a bundle's structure and our conventions, and the entry point that runs
every check over the XML (expressions: `spec_expressions`; sequence flows: `spec_flows`).

Structure: process and decision ids are unique, called processes and decisions are in the bundle,
no process calls itself. Conventions: lanes name roles, user tasks have a lane and a known form,
phases are ours, service tasks call known operators.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from engine.workflow.spec_docs import (
    CONTAINERS,
    NS,
    Doc,
    Problems,
    decision_ids,
    process_elements,
    properties,
    spiff_extensions,
)
from engine.workflow.spec_expressions import check_bpmn_expressions, check_dmn_expressions
from engine.workflow.spec_flows import check_data_objects, check_flows
from engine.workflow.spec_messages import (
    CALL_RECURSES,
    CALL_UNKNOWN,
    CALL_WITHOUT_TARGET,
    DECISION_ID_REPEATED,
    DMN_NO_TABLE,
    DMN_ONE_DECISION,
    OPERATOR_NOT_KNOWN,
    OPERATOR_WITHOUT_ID,
    PHASE_UNKNOWN,
    PROCESS_ID_REPEATED,
    RULE_UNKNOWN,
    RULE_WITHOUT_DECISION,
)
from engine.workflow.spec_seats import check_seats_and_forms
from forms.vocabulary import PHASES

__all__ = ["check_bundle"]



def check_bundle(docs: list[Doc], problems: Problems, *, known_form_keys: set[str] | None,
                 known_operators: set[str] | None) -> tuple[set[str], set[str]]:
    """Run every check over the XML (None: that membership is not checked); returns the files
    that repeat an id and the processes that cannot be built."""
    unsafe: set[str] = set()
    for doc in docs:
        if doc.kind == "bpmn":
            check_seats_and_forms(doc, known_form_keys, problems)
            check_bpmn_expressions(doc, problems)
            check_flows(doc, problems)
            unsafe |= check_data_objects(doc, problems)
            _check_operators(doc, known_operators, problems)
            _check_phases(doc, problems)
        else:
            check_dmn_expressions(doc, problems)
    return _check_duplicates(docs, problems), _check_references(docs, problems) | unsafe


# --- structure: duplicates, references, call cycles -----------------------------------------


def _check_duplicates(docs: list[Doc], problems: Problems) -> set[str]:
    """Process ids (subprocesses share their namespace) and decision ids must be unique;
    returns the files that repeat an id, which are not given to SpiffWorkflow."""
    owners: dict[tuple[str, str], str] = {}
    clashes: set[str] = set()
    for doc in docs:
        repeated = PROCESS_ID_REPEATED if doc.kind == "bpmn" else DECISION_ID_REPEATED
        ids = doc.xpath("|".join(f"//bpmn:{tag}/@id" for tag in CONTAINERS)) \
            if doc.kind == "bpmn" else decision_ids(doc)
        for element_id in map(str, ids):
            first = owners.setdefault((doc.kind, element_id), doc.name)
            if first != doc.name:
                problems.add(doc.name, element_id, repeated(element=element_id, file=first))
                clashes.add(doc.name)
    return clashes


def _calls(doc: Doc) -> Iterable[tuple[etree._Element, etree._Element]]:
    for process in process_elements(doc):
        for call in process.xpath(".//bpmn:callActivity", namespaces=NS):
            yield process, call


def _check_references(docs: list[Doc], problems: Problems) -> set[str]:
    """Called processes and decisions must be in the bundle; returns processes not to build."""
    processes = {p.get("id") for d in docs for p in process_elements(d)}
    decisions = {ids[0] for d in docs if len(ids := decision_ids(d)) == 1}
    for doc in docs:
        tables = doc.root.xpath("//*[local-name()='decision'][not(*[local-name()="
                                "'decisionTable'])]/@id")
        if doc.kind == "dmn" and len(decision_ids(doc)) != 1:
            problems.add(doc.name, None, DMN_ONE_DECISION(count=len(decision_ids(doc))))
        for decision in tables if doc.kind == "dmn" else []:
            problems.add(doc.name, str(decision), DMN_NO_TABLE())
    needs: dict[str, set[str]] = {pid: set() for pid in processes}
    broken: set[str] = set()
    for doc in docs:
        for process in process_elements(doc):
            pid = process.get("id")
            for call in process.xpath(".//bpmn:callActivity", namespaces=NS):
                target = call.get("calledElement")
                if not target:
                    problems.add(doc.name, call.get("id"), CALL_WITHOUT_TARGET())
                    broken.add(pid)
                elif target not in processes:
                    problems.add(doc.name, call.get("id"), CALL_UNKNOWN(target=target))
                    broken.add(pid)
                else:
                    needs[pid].add(target)
            for task in process.xpath(".//bpmn:businessRuleTask", namespaces=NS):
                decision = spiff_extensions(doc, task, problems).get("calledDecisionId")
                if not decision:
                    problems.add(doc.name, task.get("id"), RULE_WITHOUT_DECISION())
                    broken.add(pid)
                elif decision not in decisions:
                    problems.add(doc.name, task.get("id"), RULE_UNKNOWN(decision=decision))
                    broken.add(pid)
    _check_call_cycles(docs, needs, problems)
    changed = True
    while changed:  # a process that calls a broken one cannot be built either
        changed = False
        for pid, targets in needs.items():
            if pid not in broken and targets & broken:
                broken.add(pid)
                changed = True
    return broken


def _check_call_cycles(docs: list[Doc], needs: dict[str, set[str]], problems: Problems) -> None:
    """A process that calls itself, directly or not, recurses without bound (like trap 1)."""
    for doc in docs:
        for process, call in _calls(doc):
            start, target = process.get("id"), call.get("calledElement")
            if target not in needs:
                continue
            path, frontier, seen = {target: [target]}, [target], {target}
            while frontier and start not in path:
                node = frontier.pop()
                for nxt in sorted(needs.get(node, ())):
                    if nxt not in seen:
                        seen.add(nxt)
                        path[nxt] = [*path[node], nxt]
                        frontier.append(nxt)
            if start in path:
                loop = " → ".join([start, *path[start]])
                problems.add(doc.name, call.get("id"), CALL_RECURSES(loop=loop))


# --- conventions: phases, operators (seats and forms: spec_seats) -------------------------------------------


def _check_phases(doc: Doc, problems: Problems) -> None:
    for element in doc.xpath("//*[bpmn:extensionElements]"):
        phase = properties(spiff_extensions(doc, element, problems)).get("phase")
        if phase is not None and phase not in PHASES:
            problems.add(doc.name, element.get("id"), PHASE_UNKNOWN(phase=phase, phases=", ".join(PHASES)))


def _check_operators(doc: Doc, known_operators: set[str] | None, problems: Problems) -> None:
    """Service tasks call engine operators by name (operators_bridge): the name must exist."""
    if known_operators is None:
        return
    known = ", ".join(sorted(known_operators)) or "none"
    path = "//bpmn:serviceTask/bpmn:extensionElements/spiffworkflow:serviceTaskOperator"
    for operator in doc.xpath(path):
        name = operator.get("id")
        if name not in known_operators:
            message = OPERATOR_NOT_KNOWN(name=name, known=known) if name else OPERATOR_WITHOUT_ID(known=known)
            problems.add(doc.name, operator.getparent().getparent().get("id"), message)
