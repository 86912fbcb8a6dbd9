"""The `renxing` command line. Thin: parse arguments, call one engine service, print.

Commands change state through the one command door (`api.commands`, via `support.command`); the
groups live beside this module (incidents, users, operations), what they share in support."""

from __future__ import annotations

import json
import logging.config
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api import commands
from api.cli.backups import archive_app, backup, restore, verified
from api.cli.calendar import schedules_app
from api.cli.incidents import incidents_app
from api.cli.operations import keys_app, serve
from api.cli.support import DatabaseOption, command, errors_as_exit, fail, open_db, out, parse_json
from api.cli.users import users_app
from api.logs import log_config
from api.messages import BUNDLE_UNREADABLE
from api.pages.i18n import Translator
from api.worker import NotificationWorker
from engine import audit, definitions, notifications, tasks
from engine.config import get_settings, time_zone
from engine.demo import run_demo
from engine.incidents import RetryPolicy, timers

app = typer.Typer(help="Renxing (韧性): a workflow engine for the whole disaster lifecycle.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
definitions_app = typer.Typer(help="Process definitions (BPMN/DMN bundles).", no_args_is_help=True)
tasks_app = typer.Typer(help="Human tasks.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(definitions_app, name="definitions")
app.add_typer(incidents_app, name="incidents")
app.add_typer(tasks_app, name="tasks")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(schedules_app, name="schedules")
app.add_typer(keys_app, name="keys")
app.add_typer(archive_app, name="archive")


# --- db --------------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create or migrate the schema to the newest version."""
    open_db(database)
    out.print("database is at the newest schema version")


# --- definitions -----------------------------------------------------------------------------
@definitions_app.command("deploy")
def definitions_deploy(
    paths: Annotated[list[Path], typer.Argument(
        help="Folders and/or .bpmn/.dmn/form .json/.zip files forming one bundle.")],
    database: DatabaseOption = None,
) -> None:
    """Validate and deploy a bundle; identical content is a no-op."""
    with errors_as_exit():
        files = definitions.read_bundle(paths)
    deployed = command(database, None, lambda s, a: [
        (d.process_id, d.version, d.content_hash[:12], definitions.warnings_of(d))
        for d in definitions.deploy(session=s, actor=a, files=files)
    ])
    for process_id, version, digest, warnings in deployed:
        out.print(f"{process_id} v{version} ({digest})")
        for warning in warnings:
            out.print(f"  [yellow]warning:[/yellow] {escape(str(warning))}", highlight=False)


@definitions_app.command("list")
def definitions_list(database: DatabaseOption = None) -> None:
    """Deployed definitions, newest version first."""
    db = open_db(database)
    with db.read() as session:
        table = Table("process", "version", "name", "deployed", "by", "hash")
        for d in definitions.list_definitions(session=session):
            table.add_row(d.process_id, str(d.version), d.name, d.deployed_at.isoformat(timespec="seconds"),
                          d.deployed_by, d.content_hash[:12])
        out.print(table)


# --- tasks -----------------------------------------------------------------------------------
@tasks_app.command("list")
def tasks_list(
    as_user: Annotated[str | None, typer.Option("--as", help="Inbox of this user; omit for every open task.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Open tasks: a user's inbox, or all of them."""
    db = open_db(database)
    with errors_as_exit():
        reader = commands.cli_caller(db, as_user) if as_user else None
    with db.read() as session:
        if reader is not None:
            found = tasks.inbox(session=session, actor=reader.actor)
        else:
            found = tasks.open_tasks(session=session)
        table = Table("task id", "incident", "title", "seat", "due")
        for t in found:
            table.add_row(t.id, str(t.incident_id), t.title, t.role, t.due_at.isoformat() if t.due_at else "-")
        out.print(table)


@tasks_app.command("complete")
def tasks_complete(
    task_id: Annotated[str, typer.Argument(help="Task id (see `renxing tasks list`).")],
    as_user: Annotated[str, typer.Option("--as", help="A user holding the task's seat.")],
    data: Annotated[str | None, typer.Option(help="Form data as JSON, or @file.json.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Complete a task with form data (validated against its form)."""
    body = parse_json(data, "--data")
    title = command(database, as_user, lambda s, a: tasks.complete(session=s, actor=a, task_id=task_id,
                                                                    data=body).title)
    out.print(f"completed '{title}'")


# --- worker, audit ---------------------------------------------------------------------------
@app.command("worker")
def worker(
    database: DatabaseOption = None,
    once: Annotated[bool, typer.Option("--once", help="Sweep once and exit.")] = False,
) -> None:
    """Fire due timers (escalations, deadlines) and deliver notifications; runs until interrupted."""
    db = open_db(database)
    settings = get_settings()
    if once:
        result = timers.sweep(db, limit=settings.worker_batch_size, policy=RetryPolicy.configured(settings))
        notifications.note_overdue(db)
        sent = notifications.deliver_due(db, notifications.channels_from(settings), say=Translator("zh").say)
        out.print(f"advanced {len(result.advanced)} incident(s), {len(result.failed)} failed; "
                  f"{sent} notification(s) sent")
        if result.failed:
            raise typer.Exit(1)
        return
    logging.config.dictConfig(log_config(settings.log_format))
    out.print(f"timer worker sweeping every {settings.worker_interval_seconds}s (Ctrl-C or SIGTERM stops)")
    stop = threading.Event()
    # SIGTERM (a supervisor stopping the service): finish the incident being advanced, stop between
    # sweeps, deliver nothing half-way, exit 0.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())
    notifier = NotificationWorker(db, settings)
    notifier.start()
    try:
        timers.run_worker(db, interval=settings.worker_interval_seconds, batch=settings.worker_batch_size,
                          stop=stop, policy=RetryPolicy.configured(settings), zone=time_zone(settings.time_zone))
    except KeyboardInterrupt:
        pass
    finally:
        notifier.stop()
    out.print("stopped")


@audit_app.command("verify")
def audit_verify(
    database: DatabaseOption = None,
    bundle: Annotated[Path | None, typer.Option("--bundle", help="Verify an archive bundle offline "
                                                                 "(`renxing archive export`) instead.")] = None,
) -> None:
    """Walk every hash chain and name the first broken event (of the database, or of a bundle)."""
    if bundle is not None:
        try:
            document = json.loads(bundle.read_text())
        except (OSError, ValueError) as exc:
            fail(BUNDLE_UNREADABLE(path=str(bundle), error=str(exc)), 2)
        out.print(verified(audit.bundle.verify_bundle(document)))
        return
    db = open_db(database)
    with db.read(snapshot=True) as session:
        out.print(verified(audit.verify(session=session)))


@app.command("demo")
def demo(database: DatabaseOption = None) -> None:
    """Deploy the bundled models, seat demo users and play one whole incident, report to closed."""
    db = open_db(database)
    with errors_as_exit():
        report = run_demo(db)
    for line in report.lines:
        out.print(line)
    if not report.audit_ok:
        fail("the audit chain did not verify")


app.command("serve")(serve)
app.command("backup")(backup)
app.command("restore")(restore)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
