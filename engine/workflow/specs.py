"""Parse and validate a bundle of BPMN/DMN files; build, dump and load SpiffWorkflow specs.

`parse_bundle` is the deploy-time gate: it collects every problem it can find (hostile or
malformed XML, XSD errors, broken references, our lane/form/phase conventions, unknown service
task operators, expressions the sandbox refuses, unbounded loops) and raises one
`InvalidDefinition` listing all of them.

Our own checks (`spec_checks`, `spec_expressions`, `spec_flows`) read the XML (`spec_docs`)
rather than the built specs: a model SpiffWorkflow cannot build still gets all its other
problems reported, and expressions SpiffWorkflow would ignore today
(a condition on a flow that leaves a plain task) are refused rather than left dormant. The
specs SpiffWorkflow builds are used for what the runtime will really see (`ProcessInfo`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import AdHocSubprocessSpec, BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.mixins.service_task import ServiceTask

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow.registry import REGISTRY, SERIALIZER
from engine.workflow.spec_checks import check_bundle
from engine.workflow.spec_docs import (
    Doc,
    Problems,
    decision_ids,
    executable_process_ids,
    load_docs,
    properties,
)
from engine.workflow.spec_messages import (
    NO_EXECUTABLE_PROCESS,
    PROCESS_NOT_IN_BUNDLE,
    SPIFF_CANNOT_PARSE,
    SPIFF_FINDING,
    SPIFF_FINDING_AT,
    SPIFF_UNRESOLVED,
)
from engine.workflow.spec_seats import seats_of
from forms import CONFIRMATION_FORM
from forms.vocabulary import PHASES

__all__ = [
    "ParsedBundle",
    "ProcessInfo",
    "UserTaskInfo",
    "build_specs",
    "dump_specs",
    "load_specs",
    "parse_bundle",
]

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
    operators: tuple[str, ...]  # operator names its service tasks call, called processes' included


@dataclass(frozen=True)
class ParsedBundle:
    processes: Mapping[str, ProcessInfo]  # executable top-level processes by process id
    #: What deploys but is worth saying (spec_seats: the confirmation form, a first candidate group).
    warnings: tuple[DefinitionProblem, ...] = ()


def parse_bundle(files: Mapping[str, bytes], *, known_form_keys: set[str],
                 known_operators: set[str] | None = None) -> ParsedBundle:
    """Validate a bundle; raise InvalidDefinition listing every problem found.

    `known_operators`: the operator names service tasks may call; None does not check them."""
    parser, built, warnings = _validate(files, known_form_keys, known_operators)
    infos = {pid: _process_info(pid, spec, subs, parser) for pid, (spec, subs) in built.items()}
    return ParsedBundle(processes=MappingProxyType(infos), warnings=tuple(warnings))


def build_specs(files: Mapping[str, bytes], process_id: str) -> Specs:
    """Parse the bundle again (safely, with every check except form-key and operator
    membership) and return the spec of `process_id` with the specs of all its subprocesses and
    called processes."""
    _, built, _ = _validate(files, None, None)
    if process_id not in built:
        message = PROCESS_NOT_IN_BUNDLE(process_id=process_id, found=", ".join(sorted(built)))
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


# --- the pipeline --------------------------------------------------------------------------


def _validate(
    files: Mapping[str, bytes], known_form_keys: set[str] | None, known_operators: set[str] | None
) -> tuple[SpiffBpmnParser, dict[str, Specs], list[DefinitionProblem]]:
    problems = Problems()
    docs = load_docs(files, problems)
    clashes, broken = check_bundle(docs, problems, known_form_keys=known_form_keys,
                                   known_operators=known_operators)
    parser = SpiffBpmnParser()  # no validator: `load_docs` already did it, reporting all
    for doc in docs:
        if doc.schema_valid and doc.name not in clashes and (
                doc.kind == "bpmn" or len(decision_ids(doc)) == 1):
            add = parser.add_bpmn_xml if doc.kind == "bpmn" else parser.add_dmn_xml
            _spiff(problems, docs, doc.name, add, doc.root, filename=doc.name)
    for doc in docs:  # SpiffWorkflow parses DMN lazily, at the first call; we want it now
        dmn = next((p for p in parser.dmn_parsers.values() if p.filename == doc.name), None)
        if dmn is not None and len(decision_ids(doc)) == 1:
            _spiff(problems, docs, doc.name, dmn.parse)
    unresolved = (parser.get_process_dependencies() - set(parser.process_parsers)) | (
        parser.get_dmn_dependencies() - set(parser.dmn_parsers))
    if unresolved and not problems.items:  # a safety net: the checks above should say why
        problems.add(None, None, SPIFF_UNRESOLVED(names=", ".join(sorted(map(str, unresolved)))))
    executable = executable_process_ids(docs)
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
        problems.add(None, None, NO_EXECUTABLE_PROCESS())
    problems.raise_if_any()
    _seat_tasks(built, seats_of(docs))
    return parser, built, problems.warnings


def _seat_tasks(built: Mapping[str, Specs], seats: Mapping[tuple[str, str], str]) -> None:
    """A user task that names its seat (candidateGroups, potentialOwner) gets it as its lane, so the
    runtime and `_process_info` see it as they see lanes."""
    for spec, subs in built.values():
        for process in (spec, *subs.values()):
            for task_spec in process.task_specs.values():
                seat = seats.get((process.file, str(task_spec.bpmn_id)))
                if seat is not None and task_spec.manual:
                    task_spec.lane = seat


def _spiff(problems: Problems, docs: list[Doc], file: str | None,
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
        problems.add_once(file, element, SPIFF_FINDING_AT(message=message, line=line) if line
                          else SPIFF_FINDING(message=message))
    except Exception as exc:  # the parser reads models with bare attribute/index access
        problems.add_once(file, None, SPIFF_CANNOT_PARSE(error=repr(exc)))
    return None


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
            form_key=properties(getattr(ts, "extensions", {})).get("formKey") or CONFIRMATION_FORM,
            phase=properties(getattr(ts, "extensions", {})).get("phase"),
            file=s.file,
        )
        for s, ts in tasks if ts.manual  # user tasks, manual tasks and plain tasks wait for a person
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
    phases = {properties(getattr(ts, "extensions", {})).get("phase") for _, ts in tasks}
    operators = {str(ts.operation_name) for _, ts in tasks if isinstance(ts, ServiceTask)}
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
        operators=tuple(sorted(operators)),
    )
