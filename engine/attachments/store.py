"""Attachment content on local disk, one file per distinct content, named by its SHA-256.

Why by hash: the same photo uploaded twice is stored once, a name can never be guessed from or
collide with a user's file name, and the audit trail's hash is also the file's address, so an
auditor can check a file against the trail. Written to a temporary file and renamed, so a
reader never sees half a file; a file whose command rolled back stays unreferenced and harmless."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class LocalStore:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.folder / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
