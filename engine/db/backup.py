"""Backups and restores of the whole database, taken while the office works.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot page by
page while writers go on; the copy is an ordinary database file. PostgreSQL: `pg_dump` in its
custom format (a consistent snapshot too) and `pg_restore --clean`; the URL's search_path schema,
when it names one, is what is dumped. The password never appears on a command line (PGPASSWORD).
Verifying what was copied (the audit chains) is the caller's: this module only copies.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url

from engine.errors import Conflict, InvalidInput, NotFound
from engine.messages import (
    BACKUP_IN_MEMORY,
    BACKUP_NOT_FOUND,
    BACKUP_NOT_SQLITE,
    BACKUP_TARGET_EXISTS,
    BACKUP_TOOL_FAILED,
    BACKUP_TOOL_MISSING,
    RESTORE_TARGET_NOT_EMPTY,
)

SQLITE_HEADER = b"SQLite format 3\x00"
_SEARCH_PATH = re.compile(r"-csearch_path=([A-Za-z_][A-Za-z0-9_]*)")


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to the new file `target`."""
    if target.exists():
        raise Conflict(BACKUP_TARGET_EXISTS, path=str(target))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_path(parsed)}?mode=ro", uri=True)
        _copy(source, target)
        return
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
                     *_schema_option(parsed)], parsed)


def restore(source: Path, url: str, *, replace: bool = False) -> None:
    """Replace the database at `url` with the backup `source`; refused over data unless `replace`."""
    if not source.is_file():
        raise NotFound(BACKUP_NOT_FOUND, path=str(source))
    parsed = make_url(url)
    if not replace and _holds_data(url):
        raise Conflict(RESTORE_TARGET_NOT_EMPTY)
    if parsed.get_backend_name() == "sqlite":
        with source.open("rb") as head:
            if head.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise InvalidInput(BACKUP_NOT_SQLITE, path=str(source))
        _copy(sqlite3.connect(f"file:{source}?mode=ro", uri=True), Path(_sqlite_path(parsed)))
        return
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
                        "--single-transaction", str(source)], parsed)


def list_archive(source: Path) -> None:
    """Read a PostgreSQL backup's table of contents: it is a whole, readable archive."""
    tool = shutil.which("pg_restore")
    if tool is None:
        raise Conflict(BACKUP_TOOL_MISSING, tool="pg_restore")
    done = subprocess.run([tool, "--list", str(source)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Conflict(BACKUP_TOOL_FAILED, tool="pg_restore", error=done.stderr.strip()[-500:])


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise InvalidInput(BACKUP_IN_MEMORY)
    return url.database


def _copy(source: sqlite3.Connection, target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)  # one step: a consistent snapshot even while others write
    finally:
        destination.close()
        source.close()


def _holds_data(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(_sqlite_path(parsed)).exists():
        return False
    engine = create_engine(url)
    try:
        return "incidents" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _schema_option(url: URL) -> list[str]:
    found = _SEARCH_PATH.search(str(url.query.get("options", "")))
    return [f"--schema={found.group(1)}"] if found else []


def _run(tool: str, arguments: list[str], url: URL) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise Conflict(BACKUP_TOOL_MISSING, tool=tool)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run([executable, *arguments, f"--dbname={conninfo}"], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise Conflict(BACKUP_TOOL_FAILED, tool=tool, error=done.stderr.strip()[-500:])
