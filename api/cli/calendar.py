"""`renxing schedules`: the prevention calendar of this deployment — seed a unit with the default
calendar (monthly screening, before the flood season, annual tabletop and full-scale drills) and
list what starts when."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli.support import DatabaseOption, command, open_db, out
from engine.config import get_settings, time_zone
from engine.incidents import schedules

schedules_app = typer.Typer(help="The prevention calendar (recurring screening and drills).", no_args_is_help=True)


@schedules_app.command("seed")
def schedules_seed(unit: Annotated[str, typer.Option("--unit", help="The governance unit, e.g. 'Hehua Compound'.")],
                   database: DatabaseOption = None) -> None:
    """Add the default calendar for a unit; the worker (`renxing worker`, `renxing serve`) starts its work."""
    zone = time_zone(get_settings().time_zone)
    added = command(database, None, lambda s, a: [
        (e.title, schedules.add(session=s, actor=a, entry=e, unit=unit, zone=zone).next_run_at)
        for e in schedules.DEFAULT_CALENDAR])
    for title, first in added:
        out.print(f"{title} — {unit}: first {first.astimezone(zone):%Y-%m-%d %H:%M}")


@schedules_app.command("list")
def schedules_list(database: DatabaseOption = None) -> None:
    """What starts when, and the work each entry started last."""
    zone = time_zone(get_settings().time_zone)
    with open_db(database).read() as session:
        found = schedules.calendar(session=session)
        table = Table("title", "unit", "process", "next run", "last deadline", "escalated")
        for s in found:
            table.add_row(s.title, s.unit, s.process_id + (f" ({s.drill_type})" if s.drill_type else ""),
                          f"{s.next_run_at.astimezone(zone):%Y-%m-%d %H:%M}",
                          f"{s.last_due_at.astimezone(zone):%Y-%m-%d}" if s.last_due_at else "-",
                          "yes" if s.escalated_at else "")
    out.print(table)
