"""The printed table and the machine description stored beside the figures."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench.common import PG_URL, Figure


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _postgres_version() -> str | None:
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        return str(version)
    except Exception:  # noqa: BLE001 - not reachable: say so
        return None


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(), "memory_gib": _memory_gib(), "cpu": _cpu_model(),
        "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
        "postgres": _postgres_version(), "platform": platform.platform(),
    }


def _fmt(number: float) -> str:
    if number != number:  # NaN
        return "-"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 10:
        return f"{number:.1f}"
    return f"{number:.2f}"


def spread(stats: dict[str, float] | None) -> str:
    if not stats:
        return ""
    return f"{_fmt(stats['median'])} [{_fmt(stats['min'])}–{_fmt(stats['max'])}]"


def print_table(figures: list[Figure], skipped: list[str]) -> None:
    table = Table(title=escape("renxing bench — medians [min–max] of repetitions, measured side by side"))
    for column in ("measurement", "db", "figure", "value", "unit", "reference", "ratio", "goal", "met"):
        table.add_column(column, overflow="fold")
    for f in figures:
        ratio = f.ratio
        met = {True: "[green]yes[/green]", False: "[red]no[/red]", None: ""}[f.met]
        reference = f"{f.reference_name}: {spread(f.reference)}" if f.reference_name else ""
        table.add_row(f.measurement, f.database, escape(f.name), escape(spread(f.value)), f.unit, escape(reference),
                      f"{ratio:.2f}×" if ratio is not None else "", f.goal_text(), met)
    console = Console(width=max(160, Console().width))
    console.print(table)
    for line in skipped:
        console.print(f"[yellow]not measured:[/yellow] {escape(line)}")
