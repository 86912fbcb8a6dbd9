"""1. Durable task completion throughput, beside the database's raw one-row commit rate.

SQLite: one process completes tasks round-robin over young incidents (each completion its own
transaction, plus reading the incident's next open task in it), alternating with batches of raw
one-row commits on a file in the same folder. PostgreSQL: 8 worker processes, each on its own
incidents with its own Database, alternating with 8 processes committing one-row INSERTs.
"""

from __future__ import annotations

from itertools import cycle

from bench.common import Batched, Context, Figure, interleave, libpq_dsn, scratch_url, summary
from bench.fixture import LONG, Setup, attach, prepare
from bench.parallel import WorkerGroup
from bench.raw import PgInserts, SqliteCommits, prepare_postgres  # noqa: F401 - PgInserts runs in workers

ELEMENTS = ("situation_report", "screening_finding")
WORKERS = 8


class Completer(Batched):
    """Completes open tasks round-robin over `incidents` incidents of its own."""

    def __init__(self, index: int, *, url: str, incidents: int, setup: Setup | None = None) -> None:
        self.setup = setup or attach(url)
        self._open = []
        for n in range(incidents):
            incident_id = self.setup.start(LONG, title=f"Throughput {index}.{n}")
            self._open.extend(self.setup.open_task(incident_id, element) for element in ELEMENTS)
        self._slots = cycle(range(len(self._open)))
        self._count = 0

    def batch(self, count: int) -> int:
        for _ in range(count):
            slot = next(self._slots)
            self._count += 1
            following = self.setup.complete(self._open[slot], {"verified": False, "comment": f"r{self._count}"})
            assert following is not None
            self._open[slot] = following
        return count


def _sqlite(ctx: Context) -> list[Figure]:
    ops, raw_ops = ctx.pick(40, 300), ctx.pick(300, 2000)
    with scratch_url(ctx, "throughput") as url:
        setup = prepare(url)
        completer = Completer(0, url=url, incidents=ctx.pick(4, 32), setup=setup)
        raw = SqliteCommits(ctx.workdir / "raw-commits.db")
        completer.rate(5)  # warm: imports, statement caches
        subject, reference = interleave(ctx.repetitions, lambda: completer.rate(ops), lambda: raw.rate(raw_ops))
        raw.close()
        setup.db.dispose()
    return [Figure("throughput", "sqlite", "task completions/s (1 process)", "ops/s", summary(subject),
                   "raw one-row commits/s (WAL, synchronous=FULL, BEGIN IMMEDIATE)", summary(reference),
                   goal=("min", 0.40))]


def _postgres(ctx: Context) -> list[Figure]:
    ops, raw_ops = ctx.pick(10, 60), ctx.pick(100, 600)
    with scratch_url(ctx, "throughput") as url:
        prepare(url).db.dispose()
        prepare_postgres(libpq_dsn(url))
        with WorkerGroup(WORKERS, "bench.throughput:Completer", url=url, incidents=2) as engine, \
                WorkerGroup(WORKERS, "bench.raw:PgInserts", dsn=libpq_dsn(url)) as raw:
            engine.rate(2)
            subject, reference = interleave(ctx.repetitions, lambda: engine.rate(ops), lambda: raw.rate(raw_ops))
    return [Figure("throughput", "postgres", f"task completions/s ({WORKERS} processes)", "ops/s",
                   summary(subject), f"raw one-row INSERT commits/s ({WORKERS} connections)", summary(reference),
                   goal=("min", 0.30))]


def run(ctx: Context) -> list[Figure]:
    return _sqlite(ctx) if ctx.database == "sqlite" else _postgres(ctx)
