"""The `renxing` command line. Thin: parse arguments, call one engine service, print."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from api import commands
from api.errors import outcome_of
from engine import audit, definitions, incidents, seats, tasks
from engine.actors import Actor
from engine.config import get_settings
from engine.db import Database, migrate
from engine.errors import RenxingError
from engine.incidents import timers
from forms.vocabulary import CATEGORIES

T = TypeVar("T")
app = typer.Typer(help="Renxing (韧性): a workflow engine for the whole disaster lifecycle.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
definitions_app = typer.Typer(help="Process definitions (BPMN/DMN bundles).", no_args_is_help=True)
incidents_app = typer.Typer(help="Incidents.", no_args_is_help=True)
tasks_app = typer.Typer(help="Human tasks.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(definitions_app, name="definitions")
app.add_typer(incidents_app, name="incidents")
app.add_typer(tasks_app, name="tasks")
app.add_typer(audit_app, name="audit")

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
        migrate.upgrade(database.engine)
    return database


def actor_in(session: Any, username: str | None) -> Actor:
    if username is None:
        return Actor.system("cli")
    return seats.actor_for(seats.get_user(session=session, username=username))


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


# --- db --------------------------------------------------------------------------------------
@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create or migrate the schema to the newest version."""
    open_db(database)
    out.print("database is at the newest schema version")


# --- definitions -----------------------------------------------------------------------------
@definitions_app.command("deploy")
def definitions_deploy(
    paths: Annotated[list[Path], typer.Argument(help="Folders and/or .bpmn/.dmn files forming one bundle.")],
    database: DatabaseOption = None,
) -> None:
    """Validate and deploy a bundle; identical content is a no-op."""
    with errors_as_exit():
        files = definitions.read_bundle(paths)
    deployed = command(database, None, lambda s, a: [
        (d.process_id, d.version, d.content_hash[:12]) for d in definitions.deploy(session=s, actor=a, files=files)
    ])
    for process_id, version, digest in deployed:
        out.print(f"{process_id} v{version} ({digest})")


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


# --- incidents -------------------------------------------------------------------------------
@incidents_app.command("start")
def incidents_start(
    process_id: Annotated[str, typer.Argument(help="Process id, e.g. community_incident.")],
    title: Annotated[str, typer.Option(help="Short title of the incident.")],
    category: Annotated[str, typer.Option(help=f"One of {', '.join(CATEGORIES)}.")],
    unit: Annotated[str, typer.Option(help="Smallest governance unit (compound, grid…).")],
    exercise: Annotated[bool, typer.Option("--exercise", help="A drill, not a real incident.")] = False,
    data: Annotated[str | None, typer.Option(help="Initial data as JSON, or @file.json.")] = None,
    as_user: AsUser = None,
    database: DatabaseOption = None,
) -> None:
    """Start an incident; the workflow runs until it waits."""
    payload = parse_json(data, "--data")
    reference = command(database, as_user, lambda s, a: incidents.start(
        session=s, actor=a, process_id=process_id, title=title, category=category, unit=unit,
        exercise=exercise, data=payload).reference)
    out.print(f"started {reference}")


@incidents_app.command("list")
def incidents_list(
    status: Annotated[str | None, typer.Option(help="active, closed, cancelled or failed.")] = None,
    phase: Annotated[str | None, typer.Option()] = None,
    database: DatabaseOption = None,
) -> None:
    """Incidents, newest first."""
    db = open_db(database)
    with db.read() as session:
        table = Table("reference", "title", "phase", "level", "status", "unit", "exercise")
        found = incidents.list_incidents(session=session, filters=incidents.IncidentFilter(phase=phase, status=status))
        for i in found:
            table.add_row(i.reference, i.title, i.phase, i.response_level or "-", i.status, i.unit,
                          "drill" if i.exercise else "")
        out.print(table)


@incidents_app.command("show")
def incidents_show(
    ref: Annotated[str, typer.Argument(help="Reference (INC-2026-0001) or id.")],
    database: DatabaseOption = None,
) -> None:
    """Phase, level, open tasks, pending timers and phase history of an incident."""
    db = open_db(database)
    with errors_as_exit(), db.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
        st = incidents.state(session=session, incident_id=incident.id)
        mark = " [bold yellow](EXERCISE 演练)[/bold yellow]" if incident.exercise else ""
        out.print(f"[bold]{incident.reference}[/bold] {incident.title}{mark}")
        out.print(f"phase {incident.phase} · level {incident.response_level or '-'} · status {incident.status}"
                  f" · unit {incident.unit} · commanders {', '.join(st.commanders) or '-'}")
        table = Table("task id", "title", "seat", "phase", "due", title="open tasks")
        for t in st.open_tasks:
            table.add_row(t.id, t.title, t.role, t.phase or "-", t.due_at.isoformat() if t.due_at else "-")
        out.print(table)
        for timer in st.timers:
            out.print(f"timer {timer.name}: due {timer.due_at.isoformat() if timer.due_at else '-'}")
        if st.waiting_messages:
            out.print(f"waiting for messages: {', '.join(st.waiting_messages)}")
        for h in st.phase_history:
            out.print(f"phase {h.phase}: {h.entered_at.isoformat(timespec='seconds')}"
                      f" → {h.left_at.isoformat(timespec='seconds') if h.left_at else 'now'}")


@incidents_app.command("message")
def incidents_message(
    ref: Annotated[str, typer.Argument(help="Reference or id.")],
    name: Annotated[str, typer.Argument(help="Message name, e.g. response_over.")],
    payload: Annotated[str | None, typer.Option(help="Payload as JSON, or @file.json.")] = None,
    as_user: AsUser = None,
    database: DatabaseOption = None,
) -> None:
    """Send a message to an incident (how a commander advances it)."""
    body = parse_json(payload, "--payload")
    phase = command(database, as_user, lambda s, a: incidents.send_message(
        session=s, actor=a, incident_id=incidents.resolve(session=s, ref=ref).id, name=name, payload=body).phase)
    out.print(f"sent {name}; the incident is now in {phase}")


# --- tasks -----------------------------------------------------------------------------------
@tasks_app.command("list")
def tasks_list(
    as_user: Annotated[str | None, typer.Option("--as", help="Inbox of this user; omit for every open task.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Open tasks: a user's inbox, or all of them."""
    db = open_db(database)
    with errors_as_exit(), db.read() as session:
        if as_user:
            found = tasks.inbox(session=session, actor=actor_in(session, as_user))
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
    """Fire due timers (escalations, deadlines); runs until interrupted."""
    db = open_db(database)
    settings = get_settings()
    if once:
        result = timers.sweep(db, limit=settings.worker_batch_size)
        out.print(f"advanced {len(result.advanced)} incident(s), {len(result.failed)} failed")
        if result.failed:
            raise typer.Exit(1)
        return
    out.print(f"timer worker sweeping every {settings.worker_interval_seconds}s (Ctrl-C stops)")
    try:
        timers.run_worker(db, interval=settings.worker_interval_seconds, batch=settings.worker_batch_size)
    except KeyboardInterrupt:
        out.print("stopped")


@audit_app.command("verify")
def audit_verify(database: DatabaseOption = None) -> None:
    """Walk every hash chain and name the first broken event."""
    db = open_db(database)
    with db.read() as session:
        result = audit.verify(session=session)
    if result.ok:
        out.print(f"audit log intact: {result.events} events in {result.chains} chains")
        return
    broken = result.first_break
    assert broken is not None
    fail(f"audit log BROKEN at chain {broken.chain} event #{broken.seq}"
         f"{f' (row id {broken.event_id})' if broken.event_id else ''}: {broken.reason}")


@app.command("demo")
def demo(database: DatabaseOption = None) -> None:
    """Deploy the bundled models, seat demo users and play one whole incident, report to closed."""
    from engine.demo import run_demo

    db = open_db(database)
    with errors_as_exit():
        report = run_demo(db)
    for line in report.lines:
        out.print(line)
    if not report.audit_ok:
        fail("the audit chain did not verify")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


# --- users (accounts and seats) --------------------------------------------------------------
users_app = typer.Typer(help="User accounts and their seats.", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _read_password(password: str | None, password_stdin: bool) -> str:
    if password is not None and password_stdin:
        fail("give either --password or --password-stdin, not both", 2)
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if password is None:
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, '.', '_', '-').")],
    password: Annotated[str | None, typer.Option(help="The password (visible in shell history; "
                                                      "prefer --password-stdin).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from standard input.")] = False,
    admin: Annotated[bool, typer.Option("--admin", help="May deploy models and manage users.")] = False,
    name: Annotated[str | None, typer.Option("--name", help="Display name, e.g. 'Li Wei 李伟'.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Add a user with an argon2-hashed password."""
    from engine.seats import auth

    secret = _read_password(password, password_stdin)
    with errors_as_exit():
        password_hash = auth.hash_password(secret)
    command(database, None, lambda s, a: seats.create_user(
        session=s, actor=a, username=username, display_name=name, password_hash=password_hash,
        is_admin=admin).id)
    out.print(f"added {username}{' (administrator)' if admin else ''}")


@users_app.command("password")
def users_password(
    username: Annotated[str, typer.Argument(help="An existing user.")],
    password: Annotated[str | None, typer.Option(help="The new password (prefer --password-stdin).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from standard input.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Set a user's password (also lifts a login lock)."""
    from engine.seats import auth

    secret = _read_password(password, password_stdin)
    with errors_as_exit():
        password_hash = auth.hash_password(secret)
    command(database, None, lambda s, a: seats.set_password(session=s, actor=a, username=username,
                                                            password_hash=password_hash).id)
    out.print(f"password of {username} set")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="An existing user.")],
                  database: DatabaseOption = None) -> None:
    """Disable an account: no sign-in, and its tokens stop working at once."""
    command(database, None, lambda s, a: seats.set_active(session=s, actor=a, username=username, active=False).id)
    out.print(f"{username} disabled")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="An existing user.")],
                 database: DatabaseOption = None) -> None:
    """Re-enable a disabled account."""
    command(database, None, lambda s, a: seats.set_active(session=s, actor=a, username=username, active=True).id)
    out.print(f"{username} enabled")


@users_app.command("seat")
def users_seat(
    username: Annotated[str, typer.Argument(help="An existing user.")],
    role: Annotated[str, typer.Argument(help="Role key, e.g. commander, grid_worker, auditor.")],
    incident: Annotated[str | None, typer.Option("--incident",
                                                 help="Only for this incident (reference or id).")] = None,
    database: DatabaseOption = None,
) -> None:
    """Seat a user in a role, for every incident or for one."""
    command(database, None, lambda s, a: seats.seat(
        session=s, actor=a, username=username, role=role,
        incident_id=incidents.resolve(session=s, ref=incident).id if incident else None).id)
    out.print(f"seated {username} as {role}{f' on {incident}' if incident else ''}")


@users_app.command("list")
def users_list(database: DatabaseOption = None) -> None:
    """Users and the seats they hold."""
    db = open_db(database)
    with db.read() as session:
        table = Table("username", "name", "admin", "active", "seats")
        for user in seats.list_users(session=session):
            held = ", ".join(a.role + (f"@{a.incident_id}" if a.incident_id else "")
                             for a in seats.seats_of(session=session, user_id=user.id))
            table.add_row(user.username, user.display_name, "yes" if user.is_admin else "",
                          "yes" if user.is_active else "no", held or "-")
        out.print(table)


# --- serve -----------------------------------------------------------------------------------
@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database: DatabaseOption = None,
    no_worker: Annotated[bool, typer.Option("--no-worker",
                                            help="Do not run the timer worker in this process.")] = False,
) -> None:
    """Migrate the database, then serve the HTTP API (with the timer worker) until stopped."""
    import uvicorn

    from api import pages
    from api.app import create_app

    db = open_db(database)
    migrate.analyze(db.engine)
    if get_settings().secret_key == "change-me-in-production":
        err.print("[yellow]warning:[/yellow] RENXING_SECRET_KEY is not set; tokens are signed with a "
                  "well-known default key. Set it (32+ random bytes) before real use.")
    out.print(f"renxing on http://{host}:{port} (pages at /ui, API docs at /docs), "
              f"timer worker {'off' if no_worker else 'on'}")
    application = create_app(db, start_worker=not no_worker)
    pages.install(application)  # the web pages (/ui) beside the JSON API
    uvicorn.run(application, host=host, port=port, log_level="info")
