"""Parse and validate a bundle of BPMN/DMN files; build, dump and load SpiffWorkflow specs.

`parse_bundle` is the deploy-time gate: it collects every problem it can find (hostile or
malformed XML, XSD errors, broken references, our lane/form/phase conventions, expressions the
sandbox refuses, unbounded loops) and raises one `InvalidDefinition` listing all of them.

Our own checks read the XML rather than the built specs: a model SpiffWorkflow cannot build
still gets all its other problems reported, and expressions SpiffWorkflow would ignore today
(a condition on a flow that leaves a plain task) are refused rather than left dormant. The
specs SpiffWorkflow builds are used for what the runtime will really see (`ProcessInfo`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import AdHocSubprocessSpec, BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow.registry import REGISTRY, SERIALIZER
from engine.workflow.sandbox import SandboxViolation, check_expression, check_script
from engine.workflow.xml_safety import parse_xml_safely

__all__ = [
    "PHASES",
    "ParsedBundle",
    "ProcessInfo",
    "UserTaskInfo",
    "build_specs",
    "dump_specs",
    "load_specs",
    "parse_bundle",
]

PHASES = ("prevention", "response", "recovery", "learning")
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
_ROLE_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MAX_EXPRESSION = 10_000  # characters
Specs = tuple[BpmnProcessSpec, Mapping[str, BpmnProcessSpec]]


@dataclass(frozen=True)
class UserTaskInfo:
    spec_name: str  # the task spec name the runtime sees ("<id> [child]" inside a loop)
    title: str
    lane: str
    form_key: str
    phase: str | None
    file: str


@dataclass(frozen=True)
class ProcessInfo:
    process_id: str
    name: str
    files: tuple[str, ...]  # every file it needs: its own, called processes', DMN; sorted
    lanes: tuple[str, ...]  # role keys, called processes' included
    user_tasks: tuple[UserTaskInfo, ...]
    messages: tuple[str, ...]  # message names it can receive: catch events, receive tasks, starts
    called_processes: tuple[str, ...]  # transitively
    decisions: tuple[str, ...]
    phases: tuple[str, ...]  # in lifecycle order


@dataclass(frozen=True)
class ParsedBundle:
    processes: Mapping[str, ProcessInfo]  # executable top-level processes by process id


def parse_bundle(files: Mapping[str, bytes], *, known_form_keys: set[str]) -> ParsedBundle:
    """Validate a bundle; raise InvalidDefinition listing every problem found."""
    parser, built = _validate(files, known_form_keys)
    infos = {pid: _process_info(pid, spec, subs, parser) for pid, (spec, subs) in built.items()}
    return ParsedBundle(processes=MappingProxyType(infos))


def build_specs(files: Mapping[str, bytes], process_id: str) -> Specs:
    """Parse the bundle again (safely, with every check except form-key membership) and return
    the spec of `process_id` with the specs of all its subprocesses and called processes."""
    _, built = _validate(files, None)
    if process_id not in built:
        message = f"no executable process {process_id!r} in the bundle (found {sorted(built)})"
        raise InvalidDefinition([DefinitionProblem(None, process_id, message)])
    return built[process_id]


def dump_specs(files: Mapping[str, bytes], process_id: str) -> str:
    """Canonical JSON of one process's specs, stored once per definition version."""
    spec, subprocess_specs = build_specs(files, process_id)
    document = {
        "serializer_version": SERIALIZER.VERSION,
        "spec": REGISTRY.convert(spec),
        "subprocess_specs": {name: REGISTRY.convert(s) for name, s in subprocess_specs.items()},
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def load_specs(text: str) -> Specs:
    """Restore what `dump_specs` wrote, cached by the text's sha256 so workflows share specs.

    Sharing is safe because a BpmnWorkflow keeps its state in its tasks and only reads its
    specs, except in two places where SpiffWorkflow 3.2 changes a spec while running:
    `BpmnStartTask.trigger_wf` (the first message/signal that starts an event subprocess
    connects that subprocess to the process's Start and End) and
    `AdHocSubprocessSpec.add_path`. After the first, every later workflow of a shared spec
    starts the event subprocess at once and never completes. Specs with either feature are
    therefore restored afresh for every call; all others are shared.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    shared = _restore_shared(digest, _Text(text))
    return shared if shared is not None else _restore(text)


class _Text:
    """Carries the text into the cached function without making it part of the cache key."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Text)


@lru_cache(maxsize=128)
def _restore_shared(digest: str, text: _Text) -> Specs | None:
    """The specs to share for this text, or None when they must not be shared."""
    spec, subs = _restore(text.value)
    if any(isinstance(s, AdHocSubprocessSpec) or s.start.trigger_specs
           for s in (spec, *subs.values())):
        return None
    return spec, subs


def _restore(text: str) -> Specs:
    document = json.loads(text)
    spec = REGISTRY.restore(document["spec"])
    subs = {name: REGISTRY.restore(dct) for name, dct in document["subprocess_specs"].items()}
    return spec, MappingProxyType(subs)


# --- collecting problems -------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[DefinitionProblem] = []
        self._seen: set[tuple[str | None, str | None, str]] = set()
        self._elements: set[tuple[str | None, str | None]] = set()

    def add(self, file: str | None, element: str | None, message: str) -> None:
        if (file, element, message) not in self._seen:
            self._seen.add((file, element, message))
            self._elements.add((file, element))
            self.items.append(DefinitionProblem(file, element, message))

    def add_once(self, file: str | None, element: str | None, message: str) -> None:
        """For SpiffWorkflow's findings: one per element we already reported is noise."""
        if element is None or (file, element) not in self._elements:
            self.add(file, element, message)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDefinition(self.items)


@dataclass
class _Doc:
    name: str
    kind: str  # "bpmn" or "dmn"
    root: etree._Element
    schema_valid: bool = False

    def find(self, element_id: str | None) -> etree._Element | None:
        hits = self.root.xpath("//*[@id=$i]", i=element_id) if element_id else []
        return hits[0] if hits else None

    def xpath(self, path: str) -> list[Any]:
        return list(self.root.xpath(path, namespaces=NS))


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else element.text


def _quote(source: str) -> str:
    flat = " ".join(source.split())
    return f"`{flat[:160]}…`" if len(flat) > 160 else f"`{flat}`"


# --- the pipeline --------------------------------------------------------------------------


def _validate(
    files: Mapping[str, bytes], known_form_keys: set[str] | None
) -> tuple[SpiffBpmnParser, dict[str, Specs]]:
    problems = _Problems()
    docs = _load(files, problems)
    for doc in docs:
        if doc.kind == "bpmn":
            _check_lanes_and_forms(doc, known_form_keys, problems)
            _check_bpmn_expressions(doc, problems)
            _check_flows(doc, problems)
        else:
            _check_dmn_expressions(doc, problems)
    clashes = _check_duplicates(docs, problems)
    broken = _check_references(docs, problems)
    parser = SpiffBpmnParser()  # no validator: `_schema_valid` already did it, reporting all
    for doc in docs:
        if doc.schema_valid and doc.name not in clashes and (
                doc.kind == "bpmn" or len(_decision_ids(doc)) == 1):
            add = parser.add_bpmn_xml if doc.kind == "bpmn" else parser.add_dmn_xml
            _spiff(problems, docs, doc.name, add, doc.root, filename=doc.name)
    for doc in docs:  # SpiffWorkflow parses DMN lazily, at the first call; we want it now
        dmn = next((p for p in parser.dmn_parsers.values() if p.filename == doc.name), None)
        if dmn is not None and len(_decision_ids(doc)) == 1:
            _spiff(problems, docs, doc.name, dmn.parse)
    unresolved = (parser.get_process_dependencies() - set(parser.process_parsers)) | (
        parser.get_dmn_dependencies() - set(parser.dmn_parsers))
    if unresolved and not problems.items:  # a safety net: the checks above should say why
        problems.add(None, None, f"SpiffWorkflow cannot resolve {sorted(map(str, unresolved))}")
    executable = _executable_process_ids(docs)
    built: dict[str, Specs] = {}
    for pid in executable:
        if pid in broken or pid not in parser.process_parsers:
            continue
        spec = _spiff(problems, docs, None, parser.get_spec, pid)
        if spec is None:
            continue
        subs = _spiff(problems, docs, None, parser.get_subprocess_specs, pid)
        if subs is not None:
            built[pid] = (spec, MappingProxyType(dict(subs)))
    if docs and not executable:
        problems.add(None, None, 'the bundle has no executable process (isExecutable="true")')
    problems.raise_if_any()
    return parser, built


def _load(files: Mapping[str, bytes], problems: _Problems) -> list[_Doc]:
    if not files:
        problems.add(None, None, "the bundle is empty: give at least one .bpmn file")
    docs = []
    for name in sorted(files):
        kind = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if kind not in ("bpmn", "dmn"):
            problems.add(name, None, "unknown file type: only .bpmn and .dmn files are accepted")
            continue
        try:
            doc = _Doc(name, kind, parse_xml_safely(files[name], name))
        except InvalidDefinition as exc:
            for problem in exc.problems:
                problems.add(problem.file, problem.element, problem.message)
            continue
        doc.schema_valid = _root_expected(doc, problems) and _schema_valid(doc, problems)
        docs.append(doc)
    return docs


def _root_expected(doc: _Doc, problems: _Problems) -> bool:
    qname = etree.QName(doc.root)
    namespaces = {BPMN_NS} if doc.kind == "bpmn" else set(DMN_SCHEMAS)
    if qname.localname == "definitions" and qname.namespace in namespaces:
        return True
    expected = "BPMN 2.0" if doc.kind == "bpmn" else "DMN 1.1, 1.2 or 1.3"
    problems.add(doc.name, None, f"the root element {doc.root.tag!r} is not {expected} definitions")
    return False


def _schema_valid(doc: _Doc, problems: _Problems) -> bool:
    """XSD-validate, reporting every error (SpiffWorkflow's own validator raises the last)."""
    if doc.kind == "bpmn":
        validator = BpmnValidator(imports={"spiffworkflow": SPIFF_XSD})
        validator.preprocess(doc.root)  # the rename SpiffWorkflow applies before validating
    else:
        validator = BpmnValidator(DMN_SCHEMAS[etree.QName(doc.root).namespace])
    if validator.validator.validate(doc.root):
        return True
    for error in validator.validator.error_log:
        element = _element_at(doc, error.path, error.line)
        problems.add(doc.name, element, f"schema error at line {error.line}: {error.message}")
    return False


def _element_at(doc: _Doc, path: str | None, line: int) -> str | None:
    """The id of the element an XSD error points at, or of its nearest ancestor with one."""
    try:
        hits = doc.root.xpath(path, namespaces=NS) if path else []
    except etree.XPathError:
        hits = []
    hits = [h for h in hits if isinstance(h, etree._Element)]
    best = next((h for h in hits if h.sourceline == line), hits[0] if hits else None)
    for element in [best, *best.iterancestors()] if best is not None else []:
        if element.get("id"):
            return str(element.get("id"))
    return None


def _spiff(problems: _Problems, docs: list[_Doc], file: str | None,
           call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one SpiffWorkflow parser call, turning its exceptions into problems."""
    try:
        return call(*args, **kwargs)
    except ValidationException as exc:
        element = exc.id or None
        file = exc.file_name or file or next(
            (d.name for d in docs if d.find(element) is not None), None)
        found = next((d.find(element) for d in docs if d.name == file), None)
        message = ". ".join([str(exc.args[0]) if exc.args else "invalid", *exc.notes])
        line = exc.line_number or (found.sourceline if found is not None else None)
        problems.add_once(file, element, f"{message} (line {line})" if line else message)
    except Exception as exc:  # the parser reads models with bare attribute/index access
        problems.add_once(file, None, f"SpiffWorkflow could not parse this: {exc!r}")
    return None


# --- structure: duplicates, references, executables -----------------------------------------


_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")


def _process_elements(doc: _Doc) -> list[etree._Element]:
    return doc.xpath("//bpmn:process") if doc.kind == "bpmn" else []


def _executable_process_ids(docs: list[_Doc]) -> list[str]:
    # SpiffWorkflow's rule (ProcessParser): executable unless isExecutable is not "true".
    return sorted({p.get("id") for d in docs for p in _process_elements(d)
                   if p.get("id") and p.get("isExecutable", "true") == "true"})


def _check_duplicates(docs: list[_Doc], problems: _Problems) -> set[str]:
    """Process ids (subprocesses share their namespace) and decision ids must be unique;
    returns the files that repeat an id, which are not given to SpiffWorkflow."""
    owners: dict[tuple[str, str], str] = {}
    clashes: set[str] = set()
    for doc in docs:
        kind = "process" if doc.kind == "bpmn" else "decision"
        ids = doc.xpath("|".join(f"//bpmn:{tag}/@id" for tag in _CONTAINERS)) \
            if doc.kind == "bpmn" else _decision_ids(doc)
        for element_id in map(str, ids):
            first = owners.setdefault((kind, element_id), doc.name)
            if first != doc.name:
                problems.add(doc.name, element_id,
                             f"{kind} id {element_id!r} is also defined in {first}")
                clashes.add(doc.name)
    return clashes


def _decision_ids(doc: _Doc) -> list[str]:
    if doc.kind != "dmn":
        return []
    return [str(i) for i in doc.root.xpath("//*[local-name()='decision']/@id")]


def _calls(doc: _Doc) -> Iterable[tuple[etree._Element, etree._Element]]:
    for process in _process_elements(doc):
        for call in process.xpath(".//bpmn:callActivity", namespaces=NS):
            yield process, call


def _check_references(docs: list[_Doc], problems: _Problems) -> set[str]:
    """Called processes and decisions must be in the bundle; returns processes not to build."""
    processes = {p.get("id") for d in docs for p in _process_elements(d)}
    decisions = {ids[0] for d in docs if len(ids := _decision_ids(d)) == 1}
    for doc in docs:
        tables = doc.root.xpath("//*[local-name()='decision'][not(*[local-name()="
                                "'decisionTable'])]/@id")
        if doc.kind == "dmn" and len(_decision_ids(doc)) != 1:
            problems.add(doc.name, None, "a DMN file must hold exactly one decision (SpiffWorkflow "
                         f"reads one per file); found {len(_decision_ids(doc))}")
        for decision in tables if doc.kind == "dmn" else []:
            problems.add(doc.name, str(decision), "decision has no decisionTable")
    needs: dict[str, set[str]] = {pid: set() for pid in processes}
    broken: set[str] = set()
    for doc in docs:
        for process in _process_elements(doc):
            pid = process.get("id")
            for call in process.xpath(".//bpmn:callActivity", namespaces=NS):
                target = call.get("calledElement")
                if not target:
                    problems.add(doc.name, call.get("id"), "callActivity has no calledElement")
                    broken.add(pid)
                elif target not in processes:
                    problems.add(doc.name, call.get("id"), f"callActivity calls process "
                                 f"{target!r}, which is not in the bundle")
                    broken.add(pid)
                else:
                    needs[pid].add(target)
            for task in process.xpath(".//bpmn:businessRuleTask", namespaces=NS):
                decision = _extensions(doc, task, problems).get("calledDecisionId")
                if not decision:
                    problems.add(doc.name, task.get("id"),
                                 "businessRuleTask has no spiffworkflow:calledDecisionId")
                    broken.add(pid)
                elif decision not in decisions:
                    problems.add(doc.name, task.get("id"), f"businessRuleTask calls decision "
                                 f"{decision!r}, which is not the decision of any DMN file of "
                                 "the bundle")
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


def _check_call_cycles(docs: list[_Doc], needs: dict[str, set[str]], problems: _Problems) -> None:
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
                problems.add(doc.name, call.get("id"), f"callActivity recurses ({loop}): calls "
                             "without a bound grow the task tree until SpiffWorkflow stops")


# --- conventions: lanes, forms, phases ------------------------------------------------------


def _extensions(doc: _Doc, element: etree._Element, problems: _Problems) -> dict[str, Any]:
    try:
        return dict(SpiffTaskParser._parse_extensions(element))
    except (KeyError, IndexError):
        problems.add(doc.name, element.get("id"),
                     "every spiffworkflow:property needs a name and a value")
        return {}


def _properties(extensions: Mapping[str, Any]) -> dict[str, str]:
    return dict(extensions.get("properties") or {})


def _lane_of(element: etree._Element, lanes: Mapping[str, str | None]) -> str | None:
    """The lane SpiffWorkflow will give `element`: an enclosing subprocess's lane wins
    (outermost first, see NodeParser/SubprocessParser), else the element's own lane."""
    containers = [a for a in element.iterancestors() if _local(a) in _CONTAINERS[1:]]
    for container in reversed(containers):
        lane = lanes.get(container.get("id"))
        if lane is not None:
            return lane
    return lanes.get(element.get("id"))


def _check_lanes_and_forms(doc: _Doc, known_form_keys: set[str] | None,
                           problems: _Problems) -> None:
    lanes = {ref.text: ref.getparent().get("name") for ref in doc.xpath("//bpmn:flowNodeRef")}
    for lane in doc.xpath("//bpmn:lane"):
        name = lane.get("name")
        if not name or not _ROLE_KEY.fullmatch(name):
            problems.add(doc.name, lane.get("id"), f"lane name {name!r} is not a role key: "
                         "lanes name roles in snake_case, e.g. duty_officer")
    for task in doc.xpath("//bpmn:userTask"):
        task_id = task.get("id")
        if not _lane_of(task, lanes):
            problems.add(doc.name, task_id, "userTask is not in a lane: every human task "
                         "belongs to a role (the lanes of a called process are its own)")
        form_key = _properties(_extensions(doc, task, problems)).get("formKey")
        if not form_key:
            problems.add(doc.name, task_id, "userTask has no formKey extension property")
        elif known_form_keys is not None and form_key not in known_form_keys:
            problems.add(doc.name, task_id,
                         f"userTask formKey {form_key!r} has no form schema (forms/schemas/"
                         f"{form_key}.json)")
    for element in doc.xpath("//*[bpmn:extensionElements]"):
        phase = _properties(_extensions(doc, element, problems)).get("phase")
        if phase is not None and phase not in PHASES:
            problems.add(doc.name, element.get("id"),
                         f"phase {phase!r} is not one of {', '.join(PHASES)}")


# --- expressions and scripts ----------------------------------------------------------------

_EXPRESSIONS = (  # (xpath from the root, what it is, is it a script)
    ("//bpmn:sequenceFlow/bpmn:conditionExpression", "condition", False),
    ("//spiffworkflow:preScript", "pre-script", True),
    ("//spiffworkflow:postScript", "post-script", True),
    ("//spiffworkflow:messagePayload", "message payload", False),
    ("//spiffworkflow:processVariableCorrelation/spiffworkflow:expression",
     "correlation expression", False),
    ("//bpmn:correlationPropertyRetrievalExpression/*", "correlation retrieval expression", False),
    ("//spiffworkflow:payloadExpression", "payload expression", False),
    ("//bpmn:conditionalEventDefinition/bpmn:condition", "event condition", False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality", False),
    ("//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
     "completion condition", False),
    ("//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition", False),
    ("//bpmn:adHocSubProcess/bpmn:completionCondition", "completion condition", False),
    ("//spiffworkflow:serviceTaskOperator//spiffworkflow:parameter/@value", "parameter", False),
)
_WRAPPERS = frozenset({
    "conditionExpression", "preScript", "postScript", "messagePayload", "expression",
    "processVariableCorrelation", "correlationPropertyRetrievalExpression", "formalExpression",
    "messagePath", "payloadExpression", "condition", "conditionalEventDefinition",
    "loopCardinality", "completionCondition", "loopCondition", "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics", "extensionElements", "serviceTaskOperator", "parameters",
    "parameter", "timerEventDefinition", "timeDate", "timeDuration", "timeCycle", "script",
    "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
    "escalationEventDefinition",
})


def _owner(node: etree._Element) -> str | None:
    """The id of the model element an expression belongs to (a flow, task, event, message)."""
    for element in (node, *node.iterancestors()):
        if _local(element) not in _WRAPPERS and element.get("id"):
            return str(element.get("id"))
    return None


def _refusal(source: str, *, script: bool = False) -> str | None:
    """Why the sandbox refuses `source`, or None when it accepts it."""
    if len(source) > _MAX_EXPRESSION:
        return f"longer than {_MAX_EXPRESSION} characters"
    try:
        (check_script if script else check_expression)(source)
    except SandboxViolation as exc:
        return str(exc)
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"cannot be compiled: {exc}"
    return None


def _check_bpmn_expressions(doc: _Doc, problems: _Problems) -> None:
    for path, what, script in _EXPRESSIONS:
        for node in doc.xpath(path):
            element = node.getparent() if isinstance(node, etree._ElementUnicodeResult) else node
            source = str(node) if isinstance(node, etree._ElementUnicodeResult) else node.text
            if source and source.strip() and (why := _refusal(source, script=script)):
                message = f"{what} {_quote(source)} is refused: {why}"
                problems.add(doc.name, _owner(element), message)
    for task in doc.xpath("//bpmn:scriptTask"):
        scripts = [c.text for c in task if _local(c) == "script"]
        source = scripts[-1] if scripts else None  # SpiffWorkflow keeps the last one
        if not source or not source.strip():
            problems.add(doc.name, task.get("id"), "scriptTask has no script")
        elif why := _refusal(source, script=True):
            problems.add(doc.name, task.get("id"), f"script {_quote(source)} is refused: {why}")
    for definition in doc.xpath("//bpmn:timerEventDefinition"):
        if why := _timer_problem(definition):
            problems.add(doc.name, _owner(definition), why)


_TIMER_KINDS = {"timeDate": "date-time", "timeDuration": "duration", "timeCycle": "cycle"}


def _timer_problem(definition: etree._Element) -> str | None:
    """Timer expressions are Python evaluated by the engine: "PT30M" needs its quotes."""
    found = [(k, definition.find(f"{{{BPMN_NS}}}{k}")) for k in _TIMER_KINDS]  # Spiff's order
    kind, node = next(((k, n) for k, n in found if n is not None), (None, None))
    if kind is None or node is None:
        return "timer has no timeDate, timeDuration or timeCycle"
    source = node.text or ""
    if not source.strip():
        return f"timer {kind} is empty"
    try:
        value = ast.literal_eval(source)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        if _iso_problem(kind, source.strip()) is None:
            return (f"timer {kind} {_quote(source)} must be a Python string literal: write "
                    f'"{source.strip()}" with the quotes (timer expressions are evaluated)')
        why = _refusal(source)
        return f"timer {kind} {_quote(source)} is refused: {why}" if why else None
    if not isinstance(value, str):
        return (f"timer {kind} {_quote(source)} must give an ISO 8601 {_TIMER_KINDS[kind]} "
                'string such as "PT30M"')
    if why := _iso_problem(kind, value):
        return f"timer {kind} {value!r} is not a valid ISO 8601 {_TIMER_KINDS[kind]}: {why}"
    return None


def _iso_problem(kind: str, value: str) -> str | None:
    """Check `value` with the helpers SpiffWorkflow's timer definitions use at run time."""
    timer = TimerEventDefinition
    try:
        if kind == "timeDuration":
            if not value.upper().startswith("P"):
                return "a duration starts with P, e.g. PT30M"
            parsed = timer.parse_iso_duration(value)
            if not parsed:
                return "the duration is empty"
            timer.get_timedelta_from_start(dict(parsed))
        elif kind == "timeDate":
            if not isinstance(timer.parse_time_or_duration(value), datetime):
                return "expected a date-time such as 2026-05-01T08:00:00+08:00"
            if "W" not in value.upper() and datetime.fromisoformat(value).tzinfo is None:
                return "give a time zone (Z or +08:00); without one the server's zone is used"
        else:
            if not value.upper().startswith("R"):
                return "a cycle starts with R, e.g. R3/PT10M"
            timer.parse_iso_recurring_interval(value)
    except Exception as exc:  # the helpers raise bare Exception, ValueError, AttributeError…
        return str(exc) or type(exc).__name__
    return None


def _replace_placeholders(cell: str) -> str:
    """DMNEngine.evaluate's `re.sub(r'(\\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)', ...)` in linear
    time: a `?` stands for the input when an even number of quote characters follow it."""
    out, quotes_after = [], 0
    for char in reversed(cell):
        if char == "?" and quotes_after % 2 == 0:
            out.append("dmninputexpr")
        else:
            out.append(char)
            quotes_after += char in "'\""
    return "".join(reversed(out))


def _dmn_cell(input_expr: str, cell: str) -> tuple[str, bool]:
    """The Python DMNEngine.evaluate really runs for an input cell, and whether it glued the
    cell to the input without a space (`category` + `in [...]` → `categoryin [...]`)."""
    replaced = _replace_placeholders(cell)
    if "dmninputexpr" in replaced:
        return replaced, False
    try:
        ast.parse(cell)  # the engine's script_engine.validate
        return f"({input_expr}) == ({cell})", False
    except SyntaxError:
        ast.parse(f"v {cell}")  # a SyntaxError here is the engine's too
        glued = (input_expr[-1:].isidentifier() or input_expr[-1:].isdigit()) and (
            cell[:1].isidentifier() or cell[:1].isdigit())
        return input_expr + cell, glued


def _check_dmn_expressions(doc: _Doc, problems: _Problems) -> None:
    for table in doc.root.iter("{*}decisionTable"):
        inputs = [c for c in table if _local(c) == "input"]
        expressions: list[str | None] = []
        for column in inputs:
            source = _text(column.find("{*}inputExpression/{*}text"))
            expressions.append(None)
            if not source or not source.strip():
                problems.add(doc.name, column.get("id"), "DMN input has no inputExpression "
                             "(SpiffWorkflow would fall back to the label)")
            elif why := _refusal(source):
                problems.add(doc.name, column.get("id"),
                             f"DMN input expression {_quote(source)} is refused: {why}")
            else:
                expressions[-1] = source
        for number, rule in enumerate((c for c in table if _local(c) == "rule"), start=1):
            cells = [c for c in rule if _local(c) == "inputEntry"]
            for index, entry in enumerate(cells):
                _check_dmn_input_cell(doc, entry, number,
                                      expressions[index] if index < len(expressions) else None,
                                      problems)
            for entry in (c for c in rule if _local(c) == "outputEntry"):
                source = _text(entry.find("{*}text"))
                if source and (why := _refusal(source)):
                    problems.add(doc.name, entry.get("id") or rule.get("id"),
                                 f"rule {number} output {_quote(source)} is refused: {why}")


def _check_dmn_input_cell(doc: _Doc, entry: etree._Element, number: int,
                          input_expr: str | None, problems: _Problems) -> None:
    element = entry.get("id") or entry.getparent().get("id")
    text_node = entry.find("{*}text")
    if text_node is None:
        problems.add(doc.name, element, f"rule {number} has an input entry without <text>")
        return
    cell = text_node.text
    if cell is None or cell == "-" or input_expr is None:
        return  # matches anything (or the input itself was already reported)
    if not cell.strip():
        problems.add(doc.name, element, f"rule {number} cell is blank: write - to match anything")
        return
    if len(cell) > _MAX_EXPRESSION:
        problems.add(doc.name, element, f"rule {number} cell is too long")
        return
    try:
        expression, glued = _dmn_cell(input_expr, cell)
    except SyntaxError as exc:
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} is neither a value "
                     f"nor a comparison: {exc.msg}")
        return
    if glued:
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} becomes "
                     f"{_quote(expression)}: start the cell with ? (e.g. ? {cell})")
    elif why := _refusal(expression):
        problems.add(doc.name, element, f"rule {number} cell {_quote(cell)} (evaluated as "
                     f"{_quote(expression)}) is refused: {why}")


# --- sequence flows: dangling ends, unbounded back-edges (SPIFFWORKFLOW.md trap 1) ------------

_NOT_NODES = frozenset({"sequenceFlow", "laneSet", "dataObject", "dataObjectReference",
                        "dataStoreReference", "textAnnotation", "association", "group",
                        "property", "ioSpecification"})
Edge = tuple[str, str, str]  # (target, element that makes the edge, "flow" or "boundary")


def _check_flows(doc: _Doc, problems: _Problems) -> None:
    """Per process or subprocess level: every flow joins two of its nodes, and no flow (or
    boundary event) leads back to an element it came from."""
    for container in doc.xpath("|".join(f"//bpmn:{tag}" for tag in _CONTAINERS)):
        children = [c for c in container if isinstance(c.tag, str) and c.get("id")]
        nodes = [str(c.get("id")) for c in children if _local(c) not in _NOT_NODES]
        edges: dict[str, list[Edge]] = {}
        for child in children:
            kind = _local(child)
            ends = {"sequenceFlow": ("sourceRef", "targetRef"), "boundaryEvent": ("attachedToRef",)}
            for attribute in ends.get(kind, ()):
                if child.get(attribute) not in nodes:
                    problems.add(doc.name, child.get("id"), f"{attribute} {child.get(attribute)!r}"
                                 " is not an element of the same process or subprocess")
            if kind == "sequenceFlow":
                edges.setdefault(child.get("sourceRef"), []).append(
                    (child.get("targetRef"), child.get("id"), "flow"))
            elif kind == "boundaryEvent":
                edges.setdefault(child.get("attachedToRef"), []).append(
                    (child.get("id"), child.get("id"), "boundary"))
        targets = {target for out in edges.values() for target, _, _ in out}
        nodes.sort(key=lambda n: n not in edges or n in targets)  # entry points first
        for source, (target, via, kind) in _back_edges(nodes, edges):
            what = "sequence flow" if kind == "flow" else "boundary event"
            problems.add(doc.name, via, f"{what} leads from {source!r} back to {target!r}: a "
                         "back-edge loop grows SpiffWorkflow's task tree on every pass and stalls "
                         "silently about 1,000 levels deep; repeat work with loop characteristics "
                         "(standard or multi-instance) or an event subprocess instead")


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


# --- what the runtime will see --------------------------------------------------------------


def _process_info(pid: str, spec: BpmnProcessSpec, subs: Mapping[str, BpmnProcessSpec],
                  parser: SpiffBpmnParser) -> ProcessInfo:
    all_specs = [spec, *subs.values()]
    tasks = [(s, ts) for s in all_specs for ts in s.task_specs.values()]
    user_tasks = tuple(
        UserTaskInfo(
            spec_name=ts.name,
            title=ts.bpmn_name or ts.bpmn_id or ts.name,
            lane=ts.lane or "",
            form_key=_properties(ts.extensions).get("formKey", ""),
            phase=_properties(ts.extensions).get("phase"),
            file=s.file,
        )
        for s, ts in tasks if isinstance(ts, UserTask)
    )
    messages: set[str] = set()
    for _, ts in tasks:
        if isinstance(ts, CatchingEvent):
            definition = ts.event_definition
            nested = (definition.event_definitions
                      if isinstance(definition, MultipleEventDefinition) else [definition])
            messages.update(d.name for d in nested if isinstance(d, MessageEventDefinition))
    decisions = {str(ts.extensions["calledDecisionId"]) for _, ts in tasks
                 if isinstance(ts, BusinessRuleTaskMixin) and ts.extensions.get("calledDecisionId")}
    phases = {_properties(getattr(ts, "extensions", {})).get("phase") for _, ts in tasks}
    files = {s.file for s in all_specs} | {parser.dmn_parsers[d].filename for d in decisions}
    return ProcessInfo(
        process_id=pid,
        name=spec.description or pid,
        files=tuple(sorted(files)),
        lanes=tuple(sorted({str(ts.lane) for _, ts in tasks if getattr(ts, "lane", None)})),
        user_tasks=user_tasks,
        messages=tuple(sorted(messages)),
        called_processes=tuple(sorted({t.spec for _, t in tasks if isinstance(t, CallActivity)})),
        decisions=tuple(sorted(decisions)),
        phases=tuple(p for p in PHASES if p in phases),
    )
