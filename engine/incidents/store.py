"""Load and save an incident's workflow through its rows, with a process-local cache.

A command locks the incident row first; only then is the cache consulted, and only an entry
saved at the incident's current `version` is used, so the cache can never serve stale state —
several processes on one database stay correct, each just misses more. An entry is dropped
whenever a command fails, because the workflow object may have been half-changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from engine.db import on_commit, prepared
from engine.db.upsert import upsert_for
from engine.models import Incident, ProcessDefinition, TaskDataRow, WorkflowTaskRow
from engine.workflow import Dispatcher, StateDelta, TaskRecord, WorkflowRuntime, live_rows


class _RuntimeCache:
    def __init__(self, capacity: int = 256) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple[int, WorkflowRuntime]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def take(self, key: tuple[str, int], version: int) -> WorkflowRuntime | None:
        """Remove and return the entry if it was saved at `version` (one user at a time)."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None or entry[0] != version:
            return None
        return entry[1]

    def put(self, key: tuple[str, int], version: int, runtime: WorkflowRuntime) -> None:
        with self._lock:
            self._entries[key] = (version, runtime)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = _RuntimeCache()


_TASKS = cast(Table, WorkflowTaskRow.__table__)
_DATA = cast(Table, TaskDataRow.__table__)
_LOADED = ("id", "workflow_id", "parent_id", "children", "state", "task_spec", "last_state_change", "triggered",
           "internal_data", "data_hash", "seq")
_UPDATED = ("workflow_id", "parent_id", "children", "state", "task_spec", "last_state_change", "triggered",
            "internal_data", "data_hash")


def _key(session: Session, incident_id: int) -> tuple[str, int]:
    return (session.info["db_token"], incident_id)


def _timeout(session: Session) -> float:
    """The expression budget the session's Database was configured with."""
    return float(session.info["expression_timeout"])


def start_runtime(session: Session, *, specs_json: str, data: dict, dispatcher: Dispatcher) -> WorkflowRuntime:
    return WorkflowRuntime.start(specs_json=specs_json, data=data, now=session.info["clock"].now,
                                 timeout=_timeout(session), dispatcher=dispatcher)


def load_runtime(session: Session, incident: Incident) -> WorkflowRuntime:
    """The incident's workflow; call only while holding the incident's row lock, then `bind` it."""
    cached = CACHE.take(_key(session, incident.id), incident.version)
    if cached is not None:
        return cached
    definition = session.get_one(ProcessDefinition, incident.definition_id)
    # Core rows, not ORM objects: a long incident has thousands, most of them history.
    rows = session.execute(
        select(*(_TASKS.c[name] for name in _LOADED)).where(_TASKS.c.incident_id == incident.id).order_by(_TASKS.c.seq)
    ).all()
    # Rows that left the live tree (settled loop iterations and rework passes) are history:
    # skip them here, so neither they nor their data are decoded into the workflow.
    live = live_rows(rows)
    hashes = {row.data_hash for row in live}
    data: dict[str, str] = {}
    if hashes:
        found = session.execute(select(TaskDataRow.hash, TaskDataRow.data).where(
            TaskDataRow.incident_id == incident.id, TaskDataRow.hash.in_(hashes)))
        data = {digest: text for digest, text in found}
    records = [
        TaskRecord(
            id=row.id, workflow_id=row.workflow_id, parent_id=row.parent_id,
            children=tuple(row.children), state=row.state, task_spec=row.task_spec,
            last_state_change=row.last_state_change, triggered=row.triggered,
            internal_data=row.internal_data, data_hash=row.data_hash,
        )
        for row in live
    ]
    next_seq = (max((row.seq for row in rows), default=-1)) + 1
    return WorkflowRuntime.load(
        specs_json=definition.spec_json, meta=incident.workflow_meta, records=records,
        data=data, next_seq=next_seq, timeout=_timeout(session),
    )


def save_runtime(session: Session, incident: Incident, runtime: WorkflowRuntime) -> StateDelta:
    """Write the task rows and data that changed; the caller's transaction makes it durable.

    The workflow header (`delta.meta`) is not written here: the caller stores it on the incident
    together with the derived views, in the one UPDATE of the incident row the command makes.
    Core statements with executemany keep this to one statement per table.
    """
    delta = runtime.delta()
    incident_id = incident.id
    if delta.deletes:
        session.connection().execute(
            delete(_TASKS).where(_TASKS.c.incident_id == incident_id, _TASKS.c.id.in_(delta.deletes))
        )
    if delta.data:
        # Only hashes the workflow has not stored before; a row detached from the live tree may
        # still hold one, hence "do nothing" on a duplicate rather than a lookup first.
        prepared.execute(session.connection(), upsert_for(session, _DATA, keys=("incident_id", "hash"), update=()),
                         [{"incident_id": incident_id, "hash": h, "data": text} for h, text in delta.data.items()])
    rows = [
        {"incident_id": incident_id, "id": record.id, "workflow_id": record.workflow_id,
         "parent_id": record.parent_id, "children": list(record.children), "state": record.state,
         "task_spec": record.task_spec, "last_state_change": record.last_state_change,
         "triggered": record.triggered, "internal_data": record.internal_data, "data_hash": record.data_hash,
         # A row already stored keeps its creation order: `seq` is not among the updated columns.
         "seq": delta.new_seq.get(record.id, -1)}
        for record in delta.upserts
    ]
    if rows:  # new and changed rows alike: one INSERT … ON CONFLICT DO UPDATE
        prepared.execute(session.connection(), upsert_for(session, _TASKS, keys=("incident_id", "id"), update=_UPDATED),
                         rows)
    return delta


def remember_after_commit(
    session: Session, incident: Incident, runtime: WorkflowRuntime, delta: StateDelta
) -> None:
    """Once committed, the saved state becomes the cache entry for the incident's new version."""
    key, version = _key(session, incident.id), incident.version

    def _remember() -> None:
        runtime.mark_saved(delta)
        CACHE.put(key, version, runtime)

    on_commit(session, _remember)
