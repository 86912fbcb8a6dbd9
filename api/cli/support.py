"""What every `renxing` command shares: the consoles, the --database and --as options, opening the
database, running a command through the one door, errors as a message and an exit code, and
reading JSON arguments."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from api import commands
from api.errors import outcome_of
from engine.config import get_settings
from engine.db import Database, migrate
from engine.errors import RenxingError

T = TypeVar("T")

# Piped or captured output gets a wide, fixed width so tables and timelines are not folded.
out = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True) if sys.stderr.isatty() else Console(stderr=True, width=200)
DatabaseOption = Annotated[
    str | None, typer.Option("--database", envvar="RENXING_DATABASE_URL",
                             help="SQLAlchemy URL (default sqlite:///./renxing.db).")
]
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: the local operator).")]


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """An engine error becomes its message (with the fields it names) and the exit code that
    `api.errors.OUTCOMES` gives it."""
    try:
        yield
    except RenxingError as exc:
        details = "".join(f"\n  {field}: {msg}" for field, msg in exc.fields.items()
                          if field and field not in exc.message)
        fail(f"{exc.message}{details}", outcome_of(exc).exit_code)


def open_db(url: str | None, *, upgrade: bool = True) -> Database:
    settings = get_settings()
    database = Database(url or settings.database_url, expression_timeout=settings.expression_timeout_seconds)
    if upgrade:
        with errors_as_exit():
            migrate.upgrade(database.engine)
    return database


def command(url: str | None, username: str | None, action: commands.Action[T]) -> T:
    """Run a command through the one door (api.commands) as `username`, or as the local operator."""
    database = open_db(url)
    with errors_as_exit():
        return commands.run(database, commands.cli_caller(database, username), action)


def parse_json(text: str | None, name: str) -> Any:
    if text is None:
        return {}
    source = Path(text[1:]).read_text() if text.startswith("@") else text
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        fail(f"{name} is not valid JSON: {exc}", 2)
