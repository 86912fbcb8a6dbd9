"""6. A rework loop runs flat: per-command time and bytes written at pass 10,000 of a gateway
back-edge loop beside the same at pass 10, in one incident.

The incident runs `bench/models/rework_review.bpmn`: a plan is submitted (grid worker) and reviewed
(commander); the review rejects it and the back-edge sends it to be submitted again — two
complete-task commands per pass. Without flattening (engine/workflow/flatten.py) SpiffWorkflow's
task tree would be three levels deeper per pass and stop near pass 330. One incident is driven to
pass 10,000, a second one of the same model, in the same database, to pass 10; then passes of
the two alternate, each timed and metered (bench.meter) command by command — a sample is one
pass, its two commands averaged. One more pass of each runs after dropping the process-local
cache (restore from rows).
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


def _sample(rework: ReworkIncident, meter: Meter, into: dict[str, list[float]]) -> None:
    """One pass, timed and metered command by command; its two commands averaged."""
    submit_s, submit_bytes, _, submit_cpu = timed(meter, rework.submit)
    reject_s, reject_bytes, _, reject_cpu = timed(meter, rework.reject)
    into["ms"].append((submit_s + reject_s) / 2 * 1000)
    into["cpu_ms"].append((submit_cpu + reject_cpu) / 2 * 1000)
    into["bytes"].append((submit_bytes + reject_bytes) / 2)


def _cold(rework: ReworkIncident, meter: Meter) -> float:
    """A command after dropping the process-local cache: the workflow is restored from its rows."""
    CACHE.clear()
    seconds, _, _, _ = timed(meter, rework.submit)
    rework.reject()
    return seconds * 1000


def run(ctx: Context) -> list[Figure]:
    young_at, old_at = ctx.pick((10, 100), (10, 10_000))
    samples = ctx.pick(3, 9)
    db = ctx.database
    keys = ("ms", "cpu_ms", "bytes")
    young_found: dict[str, list[float]] = {k: [] for k in keys}
    old_found: dict[str, list[float]] = {k: [] for k in keys}
    with scratch_url(ctx, "rework") as url:
        setup = prepare(url)
        meter = Meter(setup.db.engine)
        setup.meter = meter
        old = ReworkIncident(setup)
        old.advance_to(old_at)
        young = ReworkIncident(setup)
        young.advance_to(young_at)
        for _ in range(samples):  # alternate, so the machine's load hits both alike
            _sample(young, meter, young_found)
            _sample(old, meter, old_found)
        cold = {"young": _cold(young, meter), "old": _cold(old, meter)}
        setup.db.dispose()
    at = f"at pass {old_at:,} vs at pass {young_at:,}"
    same = f"another incident of the same model at pass {young_at:,}"
    return [
        Figure("rework", db, f"complete-task command {at} of a rework loop", "ms", summary(old_found["ms"]),
               same, summary(young_found["ms"]), goal=("max", 2.0),
               notes="a sample is one pass (submit + rejecting review), its two commands averaged"),
        Figure("rework", db, f"CPU time of a complete-task command {at}", "ms", summary(old_found["cpu_ms"]),
               same, summary(young_found["cpu_ms"]), goal=("max", 2.0), notes="process time, not wall"),
        Figure("rework", db, f"bytes written per complete-task {at}", "bytes", summary(old_found["bytes"]),
               same, summary(young_found["bytes"]), goal=("max", 2.0)),
        Figure("rework", db, f"restore from rows (cache dropped) {at}", "ms", summary([cold["old"]]), same,
               summary([cold["young"]]),
               notes="informational: a cache miss reads every row, history included, then keeps the live ones"),
    ]
