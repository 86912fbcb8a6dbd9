"""6. A rework loop runs flat: per-command time and bytes written at pass 10,000 of a gateway
back-edge loop beside the same at pass 10, in one incident.

The incident runs `bench/models/rework_review.bpmn`: a plan is submitted (grid worker) and reviewed
(commander); the review rejects it and the back-edge sends it to be submitted again — two
complete-task commands per pass. Without flattening (engine/workflow/flatten.py) SpiffWorkflow's
task tree would be three levels deeper per pass and stop near pass 330. At each checkpoint a few
passes are timed and metered (bench.meter) command by command; a sample is one pass, its two
commands averaged. One more pass runs after dropping the process-local cache (restore from rows).
"""

from __future__ import annotations

from contextlib import nullcontext

from bench.common import Context, Figure, scratch_url, summary
from bench.fixture import Setup, prepare
from bench.meter import Meter, timed
from engine import tasks
from engine.incidents.store import CACHE
from engine.models import HumanTask

PROCESS = "bench_rework_review"


class ReworkIncident:
    """One incident of the rework model, driven pass by pass."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.incident_id = setup.start(PROCESS, title="A plan that needs rework")
        self.open = setup.open_task(self.incident_id, "submit_plan")
        self.passes = 0

    def complete(self, data: dict[str, object]) -> None:
        """Complete the open task; in the same transaction, read the incident's next open task."""
        setup, task = self.setup, self.open
        with setup.db.transaction() as session:
            tasks.complete(session=session, actor=setup.actors[task.role], task_id=task.id, data=data)
            with setup.meter.paused() if setup.meter else nullcontext():
                following: list[HumanTask] = tasks.open_tasks(session=session, incident_id=self.incident_id)
        (self.open,) = following

    def submit(self) -> None:
        self.complete({"verified": True, "comment": f"plan, version {self.passes + 1}"})

    def reject(self) -> None:
        self.complete({"verified": False, "comment": "the evacuation route crosses the flooded road"})
        self.passes += 1

    def advance_to(self, passes: int) -> None:
        while self.passes < passes:
            self.submit()
            self.reject()


def _checkpoint(rework: ReworkIncident, meter: Meter, n: int, samples: int) -> dict[str, list[float]]:
    rework.advance_to(n)
    found: dict[str, list[float]] = {"ms": [], "bytes": [], "cold_ms": []}
    for _ in range(samples):
        submit_s, submit_bytes, _, _ = timed(meter, rework.submit)
        reject_s, reject_bytes, _, _ = timed(meter, rework.reject)
        found["ms"].append((submit_s + reject_s) / 2 * 1000)
        found["bytes"].append((submit_bytes + reject_bytes) / 2)
    CACHE.clear()
    seconds, _, _, _ = timed(meter, rework.submit)
    found["cold_ms"].append(seconds * 1000)
    rework.reject()
    return found


def run(ctx: Context) -> list[Figure]:
    first, last = ctx.pick((10, 100), (10, 10_000))
    samples = ctx.pick(3, 9)
    db = ctx.database
    by_n: dict[int, dict[str, list[float]]] = {}
    with scratch_url(ctx, "rework") as url:
        setup = prepare(url)
        meter = Meter(setup.db.engine)
        setup.meter = meter
        rework = ReworkIncident(setup)
        for n in (first, last):
            by_n[n] = _checkpoint(rework, meter, n, samples)
        setup.db.dispose()
    figures = [
        Figure("rework", db, f"complete-task command at pass {last:,} vs at pass {first:,} of a rework loop", "ms",
               summary(by_n[last]["ms"]), f"same at pass {first:,}", summary(by_n[first]["ms"]), goal=("max", 2.0),
               notes="a sample is one pass (submit + rejecting review), its two commands averaged"),
        Figure("rework", db, f"bytes written per complete-task at pass {last:,} vs at pass {first:,}", "bytes",
               summary(by_n[last]["bytes"]), f"same at pass {first:,}", summary(by_n[first]["bytes"]),
               goal=("max", 2.0)),
        Figure("rework", db, f"restore from rows (cache dropped) at pass {last:,} vs at pass {first:,}", "ms",
               summary(by_n[last]["cold_ms"]), f"same at pass {first:,}", summary(by_n[first]["cold_ms"]),
               notes="informational: a cache miss reads every row, history included, then keeps the live ones"),
    ]
    return figures
