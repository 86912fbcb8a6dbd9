"""Parse uploaded XML (BPMN, DMN) so that hostile input never reaches SpiffWorkflow.

SpiffWorkflow's own `add_bpmn_str` / `add_dmn_str` call `lxml.etree.fromstring` with lxml's
default parser, which resolves internal entities (billion laughs) and reads DTDs. So we never
give it text: a file is first screened with defusedxml (expat, stops at the DOCTYPE before any
entity or external reference is touched), then parsed for real by a hardened lxml parser, and
the resulting tree is handed to `add_bpmn_xml` / `add_dmn_xml`.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as defused_et
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from lxml import etree

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.workflow.spec_messages import (
    FILE_EMPTY,
    FILE_NOT_BYTES,
    FILE_NOT_UTF8,
    FILE_TOO_LARGE,
    XML_DOCTYPE,
    XML_ENCODING,
    XML_ENTITY,
    XML_EXTERNAL,
    XML_MALFORMED,
    XML_MALFORMED_AT,
    XML_PROCESSING_INSTRUCTION,
    XML_XINCLUDE,
)
from forms.messages import Message

__all__ = ["MAX_XML_BYTES", "parse_xml_safely"]

MAX_XML_BYTES = 5 * 1024 * 1024
_XINCLUDE_NAMESPACES = frozenset(
    {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
)
_DECLARED_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']"""
)


def _refuse(filename: str, message: Message) -> InvalidDefinition:
    return InvalidDefinition([DefinitionProblem(filename, None, message)])


def _hardened_parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep per-document state and are not meant to be
    # shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
    )


def _check_encoding(content: bytes, filename: str) -> None:
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise _refuse(
            filename, FILE_NOT_UTF8(line=line)
        ) from None
    declared = _DECLARED_ENCODING.match(content.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        name = declared.group(1).decode("ascii")
        raise _refuse(
            filename, XML_ENCODING(encoding=name)
        )


def _screen(content: bytes, filename: str) -> None:
    """Refuse DTDs, entities and external references before anything expands them."""
    try:
        defused_et.fromstring(
            content, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise _refuse(
            filename, XML_DOCTYPE(),
        ) from None
    except EntitiesForbidden as exc:
        raise _refuse(
            filename, XML_ENTITY(entity=exc.name)
        ) from None
    except ExternalReferenceForbidden as exc:
        raise _refuse(
            filename, XML_EXTERNAL(reference=exc.system_id or exc.public_id)
        ) from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise _refuse(
            filename, XML_MALFORMED_AT(line=line, column=column, reason=reason)
        ) from None


def _check_tree(root: etree._Element, filename: str) -> None:
    neighbours = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for node in [*neighbours, *root.iter(etree.ProcessingInstruction)]:
        if isinstance(node, etree._ProcessingInstruction):
            raise _refuse(
                filename, XML_PROCESSING_INSTRUCTION(target=node.target, line=node.sourceline),
            )
    for element in root.iter(etree.Element):
        if etree.QName(element).namespace in _XINCLUDE_NAMESPACES:
            raise _refuse(filename, XML_XINCLUDE(line=element.sourceline))
    if root.getroottree().docinfo.doctype:
        raise _refuse(filename, XML_DOCTYPE())


def parse_xml_safely(content: bytes, filename: str) -> etree._Element:
    """Return the root element of `content`, or raise InvalidDefinition naming `filename`.

    Refused: files over 5 MB, empty files, anything that is not UTF-8, DOCTYPE/DTD, entity
    declarations, external references, processing instructions, XInclude, malformed XML.
    """
    if not isinstance(content, bytes | bytearray):
        raise _refuse(filename, FILE_NOT_BYTES())
    content = bytes(content)
    if len(content) > MAX_XML_BYTES:
        raise _refuse(
            filename, FILE_TOO_LARGE(size=f"{len(content):,}", limit=f"{MAX_XML_BYTES:,}")
        )
    if not content.strip():
        raise _refuse(filename, FILE_EMPTY())
    _check_encoding(content, filename)
    _screen(content, filename)
    try:
        root = etree.fromstring(content, _hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise _refuse(filename, XML_MALFORMED(line=exc.lineno, reason=exc.msg)) from None
    _check_tree(root, filename)
    return root
