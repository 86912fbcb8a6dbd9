"""`renxing incidents`: start, list, show, message; retry, set-variable and migrate (failed incidents)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.support import AsUser, DatabaseOption, command, errors_as_exit, fail, open_db, out, parse_json
from engine import incidents
from forms.vocabulary import CATEGORIES

incidents_app = typer.Typer(help="Incidents.", no_args_is_help=True)


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
        failure = incidents.open_failure(session=session, incident_id=incident.id)
        if failure is not None:
            out.print(f"[red]{failure.state}[/red] at {failure.element or '-'} after {failure.attempts} attempt(s): "
                      f"{escape(failure.error)}")
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


@incidents_app.command("retry")
def incidents_retry(
    ref: Annotated[str, typer.Argument(help="Reference or id of a failed incident.")],
    reason: Annotated[str, typer.Option(help="What was fixed (audited).")],
    as_user: AsUser = None,
    database: DatabaseOption = None,
) -> None:
    """Retry a failed incident now, after a fix (its commander or an administrator)."""
    failure = command(database, as_user, lambda s, a: incidents.retry(
        session=s, actor=a, incident_id=incidents.resolve(session=s, ref=ref).id, reason=reason))
    if failure is not None:
        fail(f"failed again at {failure.element or '-'} (attempt {failure.attempts}): {failure.error}")
    out.print(f"{ref} resumed")


@incidents_app.command("set-variable")
def incidents_set_variable(
    ref: Annotated[str, typer.Argument(help="Reference or id.")],
    name: Annotated[str, typer.Argument(help="Process variable, e.g. threshold.")],
    value: Annotated[str, typer.Argument(help="Its value as JSON: 3, \"text\", true, [1, 2], {...}.")],
    reason: Annotated[str, typer.Option(help="Why (audited with the old and new value).")],
    as_user: AsUser = None,
    database: DatabaseOption = None,
) -> None:
    """Set a process variable of a running or failed incident (the fix before a retry)."""
    parsed = parse_json(value, "VALUE")
    command(database, as_user, lambda s, a: incidents.set_variable(
        session=s, actor=a, incident_id=incidents.resolve(session=s, ref=ref).id, name=name, value=parsed,
        reason=reason))
    out.print(f"{name} set on {ref}")


@incidents_app.command("migrate")
def incidents_migrate(
    ref: Annotated[str, typer.Argument(help="Reference or id of a running or failed incident.")],
    to_version: Annotated[int, typer.Option("--to-version", help="A newer version of its process.")],
    as_user: AsUser = None,
    database: DatabaseOption = None,
) -> None:
    """Move an incident to a newer version of its process (administrators; refused, naming the
    elements, when an element it stands at or went through is not in that version)."""
    command(database, as_user, lambda s, a: incidents.migrate(
        session=s, actor=a, incident_id=incidents.resolve(session=s, ref=ref).id, to_version=to_version))
    out.print(f"{ref} now runs version {to_version}")
