"""What a bundle is made of: models (.bpmn, .dmn), the forms they bring (<form_key>.json, see
`forms.bundled`), and .zip archives of those, unpacked here so every door (API, pages, CLI) takes
them alike.

A zip is unpacked one level, by base file name (folders inside it are flattened, macOS metadata and
hidden files skipped); its members are counted and measured from the archive's directory before
anything is inflated, and inflated within the same size limit as the bundle, so a zip bomb stops at
the limit.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from engine.errors import InvalidInput
from engine.messages import BUNDLE_SAME_NAME
from forms.messages import Template, code

__all__ = ["MAX_BUNDLE_BYTES", "MAX_BUNDLE_FILES", "SUFFIXES", "unpack"]

MAX_BUNDLE_BYTES = 20 * 1024 * 1024
MAX_BUNDLE_FILES = 200
SUFFIXES = (".bpmn", ".dmn", ".json")

ZIP_NOT_VALID = code("bundle.zip_not_valid", "{name} is not a readable zip archive")
ZIP_TOO_LARGE = code("bundle.zip_too_large", "{name} unpacks to more than {megabytes} MB")
ZIP_TOO_MANY = code("bundle.zip_too_many", "{name} holds more than {limit} files")
ZIP_NESTED = code("bundle.zip_nested", "{name} holds another zip archive ({member}): unpack it first")


def unpack(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bundle with each .zip replaced by its .bpmn, .dmn and .json members."""
    result: dict[str, bytes] = {}
    for name, content in files.items():
        members = _members(name, content) if name.lower().endswith(".zip") else {name: content}
        for member, data in members.items():
            if member in result:
                raise InvalidInput(BUNDLE_SAME_NAME, name=member, fields={"files": BUNDLE_SAME_NAME(name=member)})
            result[member] = data
    return result


def _members(name: str, content: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [i for i in archive.infolist() if not i.is_dir() and _wanted(i.filename)]
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refused(ZIP_NOT_VALID, name=name) from None
    if len(infos) > MAX_BUNDLE_FILES:
        raise _refused(ZIP_TOO_MANY, name=name, limit=MAX_BUNDLE_FILES)
    nested = next((i.filename for i in infos if i.filename.lower().endswith(".zip")), None)
    if nested is not None:
        raise _refused(ZIP_NESTED, name=name, member=nested)
    too_large = {"name": name, "megabytes": MAX_BUNDLE_BYTES // 2**20}
    if sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
        raise _refused(ZIP_TOO_LARGE, **too_large)
    found: dict[str, bytes] = {}
    budget = MAX_BUNDLE_BYTES
    for info in infos:
        if not info.filename.lower().endswith(SUFFIXES):
            continue
        try:
            with archive.open(info) as member:
                data = member.read(budget + 1)  # the directory's sizes may lie: read at most the rest
        # zipfile raises NotImplementedError for a compression method it does not know: a bad bundle too
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
            raise _refused(ZIP_NOT_VALID, name=name) from None
        budget -= len(data)
        if budget < 0:
            raise _refused(ZIP_TOO_LARGE, **too_large)
        base = PurePosixPath(info.filename).name
        if base in found:
            raise InvalidInput(BUNDLE_SAME_NAME, name=base, fields={"files": BUNDLE_SAME_NAME(name=base)})
        found[base] = data
    return found


def _wanted(path: str) -> bool:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return not any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _refused(template: Template, **params: Any) -> InvalidInput:
    return InvalidInput(template, fields={"files": template(**params)}, **params)
