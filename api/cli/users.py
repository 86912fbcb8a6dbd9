"""`renxing users`: accounts and their seats."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from api.cli.support import DatabaseOption, command, errors_as_exit, fail, open_db, out
from engine import incidents, seats
from engine.seats import auth

users_app = typer.Typer(help="User accounts and their seats.", no_args_is_help=True)


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
