"""2. Incident starts: deploy once, then start many `community_incident`s, each its own durable
transaction (reference number, workflow run to its first user tasks, rows, inbox, audit) —
beside the raw one-row commit rate (SQLite: one process; PostgreSQL: 8 processes each way)."""

from __future__ import annotations

from bench.common import Batched, Context, Figure, interleave, libpq_dsn, scratch_url, summary
from bench.fixture import Setup, attach, prepare
from bench.parallel import WorkerGroup
from bench.raw import SqliteCommits, prepare_postgres

PROCESS = "community_incident"
WORKERS = 8


class Starter(Batched):
    def __init__(self, index: int, *, url: str, setup: Setup | None = None) -> None:
        self.setup = setup or attach(url)
        self._index, self._count = index, 0

    def batch(self, count: int) -> int:
        for _ in range(count):
            self._count += 1
            self.setup.start(PROCESS, title=f"Start {self._index}.{self._count}")
        return count


def _sqlite(ctx: Context) -> list[Figure]:
    ops, raw_ops = ctx.pick(20, 200), ctx.pick(300, 2000)
    with scratch_url(ctx, "starts") as url:
        setup = prepare(url)
        starter = Starter(0, url=url, setup=setup)
        raw = SqliteCommits(ctx.workdir / "raw-starts.db")
        starter.rate(3)
        subject, reference = interleave(ctx.repetitions, lambda: starter.rate(ops), lambda: raw.rate(raw_ops))
        raw.close()
        setup.db.dispose()
    return [Figure("starts", "sqlite", "incident starts/s (1 process)", "ops/s", summary(subject),
                   "raw one-row commits/s", summary(reference), goal=("min", 0.20))]


def _postgres(ctx: Context) -> list[Figure]:
    ops, raw_ops = ctx.pick(5, 30), ctx.pick(100, 600)
    with scratch_url(ctx, "starts") as url:
        prepare(url).db.dispose()
        prepare_postgres(libpq_dsn(url))
        with WorkerGroup(WORKERS, "bench.starts:Starter", url=url) as engine, \
                WorkerGroup(WORKERS, "bench.raw:PgInserts", dsn=libpq_dsn(url)) as raw:
            engine.rate(1)
            subject, reference = interleave(ctx.repetitions, lambda: engine.rate(ops), lambda: raw.rate(raw_ops))
    return [Figure("starts", "postgres", f"incident starts/s ({WORKERS} processes)", "ops/s", summary(subject),
                   f"raw one-row INSERT commits/s ({WORKERS} connections)", summary(reference),
                   goal=("min", 0.20))]


def run(ctx: Context) -> list[Figure]:
    return _sqlite(ctx) if ctx.database == "sqlite" else _postgres(ctx)
