"""1. Durable task completion throughput, beside the database's raw one-row commit rate.

SQLite: one process completes tasks round-robin over young incidents (each completion its own
transaction, plus reading the incident's next open task in it), alternating with batches of raw
one-row commits on a file in the same folder; then the same with 8 threads of that process
completing at once (their commands share COMMITs: group commit). PostgreSQL: 8 worker processes, each on its own
incidents with its own Database, alternating with 8 processes committing one-row INSERTs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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


class Concurrent(Batched):
    """`threads` completers of one process (one Database) completing at the same time."""

    def __init__(self, setup: Setup, *, threads: int, incidents: int) -> None:
        self.completers = [Completer(i, url="", incidents=incidents, setup=setup) for i in range(threads)]
        self._pool = ThreadPoolExecutor(threads)

    def batch(self, count: int) -> int:
        share = count // len(self.completers)
        for done in [self._pool.submit(c.batch, share) for c in self.completers]:
            done.result()
        return share * len(self.completers)

    def close(self) -> None:
        self._pool.shutdown()


def _sqlite(ctx: Context) -> list[Figure]:
    ops, raw_ops = ctx.pick(40, 300), ctx.pick(300, 2000)
    with scratch_url(ctx, "throughput") as url:
        setup = prepare(url)
        completer = Completer(0, url=url, incidents=ctx.pick(4, 32), setup=setup)
        raw = SqliteCommits(ctx.workdir / "raw-commits.db")
        completer.rate(5)  # warm: imports, statement caches
        subject, reference = interleave(ctx.repetitions, lambda: completer.rate(ops), lambda: raw.rate(raw_ops))
        group = Concurrent(setup, threads=WORKERS, incidents=ctx.pick(1, 4))
        commits = setup.db.group_commit
        assert commits is not None
        before, commands = commits.commits, 0

        def concurrent_rate() -> float:
            nonlocal commands
            commands += ops
            return group.rate(ops)

        together, reference_2 = interleave(ctx.repetitions, concurrent_rate, lambda: raw.rate(raw_ops))
        per_commit = commands / max(1, commits.commits - before)
        group.close()
        raw.close()
        setup.db.dispose()
    raw_name = "raw one-row commits/s (WAL, synchronous=FULL, BEGIN IMMEDIATE)"
    return [Figure("throughput", "sqlite", "task completions/s (1 process, 1 thread)", "ops/s", summary(subject),
                   raw_name, summary(reference), goal=("min", 0.40)),
            Figure("throughput", "sqlite", f"task completions/s (1 process, {WORKERS} threads: group commit)",
                   "ops/s", summary(together), raw_name, summary(reference_2), goal=("min", 0.40),
                   notes=f"{per_commit:.1f} commands per COMMIT", extra={"commands_per_commit": per_commit})]


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
