"""3. Flat cost as one incident grows: per-command time and bytes written after 10, 100, 1,000
and 5,000 completed tasks in one incident, beside SpiffWorkflow alone saving its whole state.

The incident runs `bench/models/long_response.bpmn`: situation reports (duty officer) and a
screening round's findings (grid worker) as two looped user tasks side by side, with an on-scene
decision recorded (engine.decisions.record) after every tenth task. At each checkpoint a few
commands of each kind are timed and metered (bench.meter), and one command is run after
dropping the process-local cache (the cost of restoring the whole incident from its rows).
"""

from __future__ import annotations

from bench.common import Context, Figure, scratch_url, summary
from bench.fixture import LONG, MODELS, Setup, prepare
from bench.meter import Meter, timed
from bench.spiff_reference import WholeStateReference
from engine.incidents.store import CACHE
from engine.learning import decisions

ELEMENTS = ("situation_report", "screening_finding")
DECISION_EVERY = 10


class LongIncident:
    """One incident of the long-response model, driven task by task."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.incident_id = setup.start(LONG, title="A long response")
        self.open = {element: setup.open_task(self.incident_id, element) for element in ELEMENTS}
        self.completed = 0

    def complete_next(self) -> None:
        element = ELEMENTS[self.completed % len(ELEMENTS)]
        self.completed += 1
        following = self.setup.complete(self.open[element], {"verified": False, "comment": f"report {self.completed}"})
        assert following is not None
        self.open[element] = following
        if self.completed % DECISION_EVERY == 0:
            self.decide()

    def decide(self) -> None:
        with self.setup.db.transaction() as session:
            decisions.record(
                session=session, actor=self.setup.actors["commander"], incident_id=self.incident_id,
                situation=f"After {self.completed} reports: water rising at the east gate.",
                options_considered=["Hold", "Evacuate block 4"], choice="Evacuate block 4",
                rationale="Levels above the warning mark.", authority_basis="Level III response in force",
                urgency="urgent")

    def advance_to(self, completed: int) -> None:
        while self.completed < completed:
            self.complete_next()


def _checkpoint(ctx: Context, n: int, long: LongIncident, meter: Meter,
                reference: WholeStateReference, samples: int) -> dict[str, list[float]]:
    long.advance_to(n)
    reference.advance_to(n)
    found: dict[str, list[float]] = {k: [] for k in ("ms", "bytes", "statements", "cpu_ms", "ref_ms", "ref_bytes",
                                                      "ref_cpu_ms", "decision_ms", "decision_bytes", "cold_ms")}
    for _ in range(samples):  # alternate subject and reference, like every other measurement
        seconds, written, statements, cpu = timed(meter, long.complete_next)
        found["ms"].append(seconds * 1000)
        found["bytes"].append(written)
        found["statements"].append(statements)
        found["cpu_ms"].append(cpu * 1000)
        seconds, written, cpu = reference.command()
        found["ref_ms"].append(seconds * 1000)
        found["ref_bytes"].append(written)
        found["ref_cpu_ms"].append(cpu * 1000)
        seconds, written, _, _ = timed(meter, long.decide)
        found["decision_ms"].append(seconds * 1000)
        found["decision_bytes"].append(written)
    CACHE.clear()
    seconds, _, _, _ = timed(meter, long.complete_next)
    found["cold_ms"].append(seconds * 1000)
    return found


def run(ctx: Context) -> list[Figure]:
    checkpoints = ctx.pick((10, 100), (10, 100, 1000, 5000))
    samples = ctx.pick(3, 7)
    db = ctx.database
    figures: list[Figure] = []
    by_n: dict[int, dict[str, list[float]]] = {}
    with scratch_url(ctx, "growth") as url:
        setup = prepare(url)
        meter = Meter(setup.db.engine)
        setup.meter = meter
        long = LongIncident(setup)
        reference = WholeStateReference(url, MODELS / "long_response.bpmn", LONG, ELEMENTS)
        for n in checkpoints:
            by_n[n] = found = _checkpoint(ctx, n, long, meter, reference, samples)
            figures.append(Figure(
                "growth", db, f"complete-task command after {n:,} tasks", "ms", summary(found["ms"]),
                "SpiffWorkflow alone + whole-state JSON written", summary(found["ref_ms"]),
                goal=("max", 1.0 if n < 1000 else 0.2),
                notes="goal: no slower than the reference while young; ≥ 5× faster from 1,000 tasks on",
                extra={"cold_restore_ms": found["cold_ms"][0], "decision_ms": summary(found["decision_ms"]),
                       "decision_bytes": summary(found["decision_bytes"])}))
            figures.append(Figure(
                "growth", db, f"CPU time of a complete-task command after {n:,} tasks", "ms",
                summary(found["cpu_ms"]), "SpiffWorkflow's own step (complete the task, run engine steps), CPU",
                summary(found["ref_cpu_ms"]), notes="process time, not wall: what the engine adds to the workflow"))
            figures.append(Figure(
                "growth", db, f"SQL statements per complete-task command after {n:,} tasks", "statements",
                summary(found["statements"]), "the issue's budget: 8 statements", {"median": 8.0, "min": 8.0,
                                                                                   "max": 8.0, "n": 1},
                goal=("max", 1.0), notes="BEGIN included; COMMIT is not a statement"))
            figures.append(Figure(
                "growth", db, f"bytes written per complete-task after {n:,} tasks", "bytes",
                summary(found["bytes"]), "whole-state JSON blob", summary(found["ref_bytes"])))
        reference.close()
        setup.db.dispose()
    first, last = checkpoints[0], checkpoints[-1]
    for key, unit, label in (("ms", "ms", "complete-task time"), ("bytes", "bytes", "complete-task bytes written"),
                             ("decision_ms", "ms", "record-decision time"),
                             ("decision_bytes", "bytes", "record-decision bytes written")):
        figures.append(Figure(
            "growth", db, f"{label} at {last:,} vs at {first:,} tasks", unit, summary(by_n[last][key]),
            f"same at {first:,} tasks", summary(by_n[first][key]), goal=("max", 2.0)))
    cold = summary([by_n[n]["cold_ms"][0] for n in checkpoints])
    figures.append(Figure("growth", db, "restore from rows (cache dropped), at " +
                          ", ".join(f"{n:,}: {by_n[n]['cold_ms'][0]:.0f} ms" for n in checkpoints),
                          "ms", cold, notes="informational: cost of a cache miss grows with history"))
    return figures
