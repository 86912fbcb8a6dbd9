"""Shared pieces: the run context, scratch databases, statistics and the `Figure` record."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

PG_URL = os.environ.get("RENXING_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Context:
    """What every measurement gets: the database kind, the mode and a scratch folder."""

    database: str  # "sqlite" | "postgres"
    quick: bool
    workdir: Path
    pg_url: str = PG_URL
    repetitions: int = 5

    def pick(self, quick: Any, full: Any) -> Any:
        return quick if self.quick else full


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) — no interpolation, so p99 is a real sample."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Median and spread (min, max, inter-quartile range) of repeated measurements."""
    values = list(samples)
    if not values:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "p25": quartiles[0], "p75": quartiles[2], "n": len(values)}


@dataclass
class Figure:
    """One measured figure, optionally beside its reference and the goal for their ratio."""

    measurement: str
    database: str
    name: str
    unit: str
    value: dict[str, float]
    reference_name: str | None = None
    reference: dict[str, float] | None = None
    #: "min" → goal is ratio >= target; "max" → ratio <= target.
    goal: tuple[str, float] | None = None
    #: Ratios are value/reference for "min" goals on rates and for "max" goals on costs.
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.reference is None or not self.reference.get("median"):
            return None
        return self.value["median"] / self.reference["median"]

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        if self.goal is None or ratio is None:
            return None
        kind, target = self.goal
        return ratio >= target if kind == "min" else ratio <= target

    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        kind, target = self.goal
        return f"{'≥' if kind == 'min' else '≤'} {target:g}×"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, goal_met=self.met, goal=self.goal_text() or None)
        return data


def sqlite_url(ctx: Context, name: str) -> str:
    path = ctx.workdir / f"{name}-{uuid.uuid4().hex[:6]}.db"
    return f"sqlite:///{path}"


@contextmanager
def scratch_url(ctx: Context, name: str) -> Iterator[str]:
    """A fresh, empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if ctx.database == "sqlite":
        yield sqlite_url(ctx, name)
        return
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ctx.pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in ctx.pg_url else "?"
    try:
        yield f"{ctx.pg_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def libpq_dsn(url: str) -> str:
    """A SQLAlchemy psycopg URL as a libpq connection string (for raw psycopg connections)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def postgres_available(url: str = PG_URL) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
        return False


def interleave(repetitions: int, *batches: Callable[[], float]) -> list[list[float]]:
    """Run the batches alternately, `repetitions` times, so drift hits subject and reference alike."""
    results: list[list[float]] = [[] for _ in batches]
    for _ in range(repetitions):
        for index, batch in enumerate(batches):
            results[index].append(batch())
    return results


class Batched(ABC):
    """Something that runs `batch(count)` operations; `rate` times one batch (operations per second)."""

    @abstractmethod
    def batch(self, count: int) -> int:
        """Run `count` operations (what one is, each subclass says); returns how many ran."""

    def rate(self, count: int) -> float:
        start = time.perf_counter()
        self.batch(count)
        return count / (time.perf_counter() - start)
