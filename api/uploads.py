"""A bundle of uploaded model files, read the same way for the API and the deploy page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath

from starlette.datastructures import UploadFile

from api.messages import (
    UPLOAD_DUPLICATE,
    UPLOAD_FILE_LIMIT,
    UPLOAD_FILE_NAME,
    UPLOAD_NOT_A_MODEL,
    UPLOAD_NOT_A_MODEL_FIELD,
    UPLOAD_RENAME,
    UPLOAD_TOO_MANY,
)
from engine.errors import InvalidInput
from engine.messages import BUNDLE_SAME_NAME

#: Deployed files are downloaded by name again (GET /definitions/…/files/{name}).
FILE_NAME = re.compile(r"^[A-Za-z0-9_.\- ]{1,255}$")
MAX_FILES = 100


def read_bundle(files: Sequence[UploadFile]) -> dict[str, bytes]:
    """Uploaded parts by base file name; only models, forms and zips of them, each name once."""
    if len(files) > MAX_FILES:
        raise InvalidInput(UPLOAD_TOO_MANY, fields={"files": UPLOAD_FILE_LIMIT(limit=MAX_FILES)})
    bundle: dict[str, bytes] = {}
    for upload in files:
        name = PureWindowsPath(PurePosixPath(upload.filename or "").name).name
        if not name.endswith((".bpmn", ".dmn", ".json", ".zip")) or "\x00" in name:
            raise InvalidInput(UPLOAD_NOT_A_MODEL, fields={f"files.{name or '?'}": UPLOAD_NOT_A_MODEL_FIELD()})
        if not FILE_NAME.fullmatch(name):
            raise InvalidInput(UPLOAD_FILE_NAME, fields={f"files.{name}": UPLOAD_RENAME()})
        if name in bundle:
            raise InvalidInput(BUNDLE_SAME_NAME, name=name, fields={f"files.{name}": UPLOAD_DUPLICATE()})
        bundle[name] = upload.file.read()
    return bundle
