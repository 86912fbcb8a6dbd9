"""5. Inbox and incident-list scale: p99 at 10,000 incidents / 100,000 open tasks beside the same
queries at 100 incidents / 1,000 tasks (the p99 of each round of calls; median and spread over
rounds), with their query plans; and process RSS with 10,000 active incidents beside idle.

The data set is bulk-inserted with SQLAlchemy core (copies of the rows a real
`community_incident` start wrote: incident with its workflow_meta, ready human tasks across all
seats, incident-scoped seats), not built by running 100,000 commands.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from itertools import cycle
from typing import Any

from sqlalchemy import event, insert, select, text

from bench.common import Context, Figure, percentile, scratch_url, summary
from bench.fixture import ROLES, Setup, attach, prepare
from engine import incidents, seats, tasks
from engine.actors import Actor
from engine.db import Database
from engine.models import HumanTask, Incident, RoleAssignment

TASKS_PER_INCIDENT = 10
#: The incident-seat user holds the commander seat of these incidents (the same few at every size).
SCOPED_INCIDENTS = frozenset({20, 40, 60, 80})
CHUNK = 2000


def _template(setup: Setup) -> tuple[dict[str, Any], dict[str, Any]]:
    incident_id = setup.start("community_incident", title="Template")
    with setup.db.read() as session:
        incident = dict(session.execute(select(Incident.__table__).where(Incident.id == incident_id)).mappings().one())
        task = dict(session.execute(select(HumanTask.__table__).where(HumanTask.incident_id == incident_id))
                    .mappings().first())
    return incident, task


def _grow(setup: Setup, templates: tuple[dict[str, Any], dict[str, Any]], first: int, count: int,
          scoped_user: int) -> None:
    """Insert incidents first..first+count-1 with their open tasks and incident-scoped seats."""
    incident_row, task_row = templates
    roles = cycle(ROLES)
    base = incident_row["created_at"]
    with setup.db.transaction() as session:
        for start in range(first, first + count, CHUNK):
            stop = min(first + count, start + CHUNK)
            rows = [{**incident_row, "id": None, "reference": f"BENCH-{n:06d}", "title": f"Incident {n}",
                     "unit": f"Grid {n % 50}", "created_at": base + timedelta(seconds=n)} for n in range(start, stop)]
            for row in rows:
                row.pop("id")
            ids = list(session.scalars(insert(Incident).returning(Incident.id), rows))
            task_rows = [{**task_row, "id": str(uuid.uuid4()), "incident_id": incident_id, "role": next(roles),
                          "due_at": base + timedelta(minutes=(k * 37 + incident_id) % 900) if k % 3 else None,
                          "created_at": base + timedelta(seconds=incident_id * 10 + k)}
                         for incident_id in ids for k in range(TASKS_PER_INCIDENT)]
            session.execute(insert(HumanTask), task_rows)
            seats_rows = [{"user_id": scoped_user, "role": "commander", "incident_id": incident_id,
                           "granted_by": "bench", "granted_at": base} for incident_id in ids
                          if incident_id in SCOPED_INCIDENTS]
            if seats_rows:
                session.execute(insert(RoleAssignment), seats_rows)
    with setup.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _queries(setup: Setup, global_actor: Actor, scoped_actor: Actor) -> dict[str, Callable[[Any], Any]]:
    return {
        "inbox (global seat)": lambda s: tasks.inbox(session=s, actor=global_actor),
        "inbox (incident seats)": lambda s: tasks.inbox(session=s, actor=scoped_actor),
        "list_incidents (newest 50)": lambda s: incidents.list_incidents(session=s),
        "list_incidents (status+phase)": lambda s: incidents.list_incidents(
            session=s, filters=incidents.IncidentFilter(status="active", phase="response")),
    }


def _rounds(sides: list[tuple[Database, dict[str, Callable[[Any], Any]]]], calls: int,
            rounds: int) -> list[dict[str, list[float]]]:
    """p99 of `calls` calls of each query on each side, per round: the sides alternate for each
    query (their order swapped every round), so a change of load hits both sizes alike."""
    found: list[dict[str, list[float]]] = [{name: [] for name in queries} for _db, queries in sides]
    for round_no in range(rounds):
        for name in sides[0][1]:
            order = range(len(sides)) if round_no % 2 == 0 else reversed(range(len(sides)))
            for side in order:
                db, queries = sides[side]
                found[side][name].append(percentile(_latencies(db, queries[name], calls), 99))
    return found


def _latencies(db: Database, query: Callable[[Any], Any], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        with db.read() as session:
            query(session)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _plans(db: Database, query: Callable[[Any], Any]) -> list[str]:
    """EXPLAIN (QUERY PLAN) of every SELECT the call runs, with its real parameters."""
    captured: list[tuple[str, Any]] = []

    def grab(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    with db.read() as session:
        query(session)
    event.remove(db.engine, "before_cursor_execute", grab)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    plans = []
    with db.engine.connect() as conn:
        for statement, parameters in captured:
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            lines = [str(r[-1]) for r in rows if not str(r[-1]).startswith("INDEX ")]
            plans.append(" ".join(statement.split())[:160] + " …\n    " + "\n    ".join(lines))
    return plans


def _rss_probe(url: str, budget: float) -> dict[str, Any]:
    """In a fresh process: RSS after one inbox and one list (idle), then after touching every incident."""
    setup = attach(url)
    with setup.db.read() as session:
        tasks.inbox(session=session, actor=setup.actors["grid_worker"])
        incidents.list_incidents(session=session)
    idle = _rss_kib()
    touched, after_id, deadline = 0, None, time.monotonic() + budget
    while time.monotonic() < deadline:
        with setup.db.read() as session:
            page = incidents.list_incidents(session=session, after_id=after_id, limit=500)
            for incident in page:
                incidents.state(session=session, incident_id=incident.id)
                touched += 1
        if not page:
            break
        after_id = page[-1].id
    return {"idle_kib": idle, "touched_kib": _rss_kib(), "touched": touched}


def _rss_kib() -> int:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))


def _populated(url: str, incident_count: int) -> tuple[Setup, dict[str, Callable[[Any], Any]]]:
    """A database of `incident_count` incidents (ten open tasks each) and the queries to time on it."""
    setup = prepare(url)
    with setup.db.transaction() as session:
        scoped = seats.create_user(session=session, actor=Actor.system("bench"), username="bench.scoped")
        scoped_actor = seats.actor_for(scoped)
    _grow(setup, _template(setup), 1, incident_count - 1, scoped.id)
    return setup, _queries(setup, setup.actors["grid_worker"], scoped_actor)


def run(ctx: Context) -> list[Figure]:
    small, large = 100, ctx.pick(1_000, 10_000)
    calls = ctx.pick(20, 100)
    db_name, figures = ctx.database, []
    # Two databases side by side, timed alternately: growing one database and timing it before and
    # after put minutes of the machine's changing load between the two sizes.
    with scratch_url(ctx, "scale_small") as small_url, scratch_url(ctx, "scale") as url:
        small_setup, small_queries = _populated(small_url, small)
        setup, queries = _populated(url, large)
        at_small, at_large = _rounds([(small_setup.db, small_queries), (setup.db, queries)], calls,
                                     ctx.repetitions)
        plans = {name: _plans(setup.db, q) for name, q in queries.items()}
        small_setup.db.dispose()
        probe = subprocess.run([sys.executable, "-m", "bench.scale", url, str(ctx.pick(10, 60))],
                               capture_output=True, text=True, check=True)
        rss = json.loads(probe.stdout.strip().splitlines()[-1])
        setup.db.dispose()
    for name in queries:
        figures.append(Figure(
            "scale", db_name, f"{name} p99 at {large:,} incidents / {large * TASKS_PER_INCIDENT:,} tasks", "ms",
            summary(at_large[name]),
            f"p99 at {small} incidents / {small * TASKS_PER_INCIDENT:,} tasks (another database, alternating)",
            summary(at_small[name]), goal=("max", 1.5),
            extra={"calls_per_round": calls, "plans": plans[name]}))
    figures.append(Figure(
        "scale", db_name, f"engine process RSS after touching {rss['touched']:,} of {large:,} active incidents",
        "KiB", summary([rss["touched_kib"]]), "RSS idle (after one inbox and one list)", summary([rss["idle_kib"]]),
        goal=("max", 2.0), notes="in-process engine (no HTTP)"))
    return figures


if __name__ == "__main__":
    print(json.dumps(_rss_probe(sys.argv[1], float(sys.argv[2]))))
