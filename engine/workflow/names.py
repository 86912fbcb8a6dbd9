"""The Chinese names a model gives its elements (the `name_zh` convention, docs/models.md).

Read from a definition's stored BPMN files, not from the specs SpiffWorkflow builds: the library
keeps extension properties only on some task specs (not on gateways, subprocesses, flows,
messages or pools), and a person reads the names of all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from lxml import etree

from engine.workflow.spec_docs import BPMN_NS, NS
from engine.workflow.xml_safety import parse_xml_safely

__all__ = ["ModelNames", "model_names"]

_PROPERTY = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name='name_zh']"


@dataclass(frozen=True)
class ModelNames:
    """Chinese names by (file, element id), by element id alone (the first file that names it
    wins: task rows and audit events carry the id only), by message or signal name, and by
    process id."""

    elements: Mapping[tuple[str, str], str]
    by_id: Mapping[str, str]
    messages: Mapping[str, str]
    processes: Mapping[str, str]


def _name_zh(element: etree._Element) -> str | None:
    found = element.find(_PROPERTY, NS)
    value = found.get("value") if found is not None else None
    return value.strip() or None if value else None


@lru_cache(maxsize=64)
def _read(files: tuple[tuple[str, str], ...]) -> ModelNames:
    elements: dict[tuple[str, str], str] = {}
    by_id: dict[str, str] = {}
    messages: dict[str, str] = {}
    processes: dict[str, str] = {}
    for file, text in files:
        root = parse_xml_safely(text.encode("utf-8"), file)
        for element in root.iter(f"{{{BPMN_NS}}}*"):
            zh = _name_zh(element)
            key = element.get("id")
            if zh is None or not key:
                continue
            elements[(file, key)] = zh
            by_id.setdefault(key, zh)
            tag = etree.QName(element).localname
            if tag in ("message", "signal") and element.get("name"):
                messages.setdefault(str(element.get("name")), zh)
            elif tag == "process":
                processes[key] = zh
    return ModelNames(*(MappingProxyType(m) for m in (elements, by_id, messages, processes)))  # type: ignore[arg-type]


def model_names(files: Mapping[str, object]) -> ModelNames:
    """The Chinese names in a definition's BPMN files (name -> XML text); cached by content."""
    return _read(tuple(sorted((name, str(text)) for name, text in files.items() if name.endswith(".bpmn"))))
