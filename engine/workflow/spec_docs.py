"""The XML documents of a bundle, read safely and XSD-validated, and the problems found in them.

The deploy-time checks (`spec_checks`, `spec_expressions`, `spec_flows`) read these documents
rather than the specs SpiffWorkflow builds, so a model it cannot build still gets all its other
problems reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow.spec_messages import (
    BUNDLE_WITHOUT_FILES,
    FILE_UNKNOWN_TYPE,
    ROOT_NOT_BPMN,
    ROOT_NOT_DMN,
    SCHEMA_ERROR,
    SPIFF_PROPERTY,
)
from engine.workflow.xml_safety import parse_xml_safely
from forms.messages import Message

__all__ = [
    "BPMN_NS",
    "CONTAINERS",
    "NS",
    "Doc",
    "Problems",
    "decision_ids",
    "executable_process_ids",
    "load_docs",
    "local",
    "process_elements",
    "properties",
    "spiff_extensions",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")


class Problems:
    def __init__(self) -> None:
        self.items: list[DefinitionProblem] = []
        #: What deploys but is worth saying (a user task given the confirmation form, …).
        self.warnings: list[DefinitionProblem] = []
        self._seen: set[tuple[str | None, str | None, str]] = set()
        self._elements: set[tuple[str | None, str | None]] = set()

    def add(self, file: str | None, element: str | None, message: Message) -> None:
        if (file, element, message) not in self._seen:
            self._seen.add((file, element, message))
            self._elements.add((file, element))
            self.items.append(DefinitionProblem(file, element, message))

    def add_once(self, file: str | None, element: str | None, message: Message) -> None:
        """For SpiffWorkflow's findings: one per element we already reported is noise."""
        if element is None or (file, element) not in self._elements:
            self.add(file, element, message)

    def warn(self, file: str | None, element: str | None, message: Message) -> None:
        if all((w.file, w.element, w.message) != (file, element, message) for w in self.warnings):
            self.warnings.append(DefinitionProblem(file, element, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDefinition(self.items)


@dataclass
class Doc:
    name: str
    kind: str  # "bpmn" or "dmn"
    root: etree._Element
    schema_valid: bool = False

    def find(self, element_id: str | None) -> etree._Element | None:
        hits = self.root.xpath("//*[@id=$i]", i=element_id) if element_id else []
        return hits[0] if hits else None

    def xpath(self, path: str) -> list[Any]:
        return list(self.root.xpath(path, namespaces=NS))


def local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


# --- loading -------------------------------------------------------------------------------


def load_docs(files: Mapping[str, bytes], problems: Problems) -> list[Doc]:
    if not files:
        problems.add(None, None, BUNDLE_WITHOUT_FILES())
    docs = []
    for name in sorted(files):
        kind = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if kind not in ("bpmn", "dmn"):
            problems.add(name, None, FILE_UNKNOWN_TYPE())
            continue
        try:
            doc = Doc(name, kind, parse_xml_safely(files[name], name))
        except InvalidDefinition as exc:
            for problem in exc.problems:
                problems.add(problem.file, problem.element, problem.message)
            continue
        doc.schema_valid = _root_expected(doc, problems) and _schema_valid(doc, problems)
        docs.append(doc)
    return docs


def _root_expected(doc: Doc, problems: Problems) -> bool:
    qname = etree.QName(doc.root)
    namespaces = {BPMN_NS} if doc.kind == "bpmn" else set(DMN_SCHEMAS)
    if qname.localname == "definitions" and qname.namespace in namespaces:
        return True
    expected = ROOT_NOT_BPMN if doc.kind == "bpmn" else ROOT_NOT_DMN
    problems.add(doc.name, None, expected(tag=doc.root.tag))
    return False


def _schema_valid(doc: Doc, problems: Problems) -> bool:
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
        problems.add(doc.name, element, SCHEMA_ERROR(line=error.line, error=error.message))
    return False


def _element_at(doc: Doc, path: str | None, line: int) -> str | None:
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



# --- reading -------------------------------------------------------------------------------


def process_elements(doc: Doc) -> list[etree._Element]:
    return doc.xpath("//bpmn:process") if doc.kind == "bpmn" else []


def executable_process_ids(docs: list[Doc]) -> list[str]:
    # SpiffWorkflow's rule (ProcessParser): executable unless isExecutable is not "true".
    return sorted({p.get("id") for d in docs for p in process_elements(d)
                   if p.get("id") and p.get("isExecutable", "true") == "true"})


def decision_ids(doc: Doc) -> list[str]:
    if doc.kind != "dmn":
        return []
    return [str(i) for i in doc.root.xpath("//*[local-name()='decision']/@id")]



def spiff_extensions(doc: Doc, element: etree._Element, problems: Problems) -> dict[str, Any]:
    try:
        return dict(SpiffTaskParser._parse_extensions(element))
    except (KeyError, IndexError):
        problems.add(doc.name, element.get("id"), SPIFF_PROPERTY())
        return {}


def properties(extensions: Mapping[str, Any]) -> dict[str, str]:
    return dict(extensions.get("properties") or {})

