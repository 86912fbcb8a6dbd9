"""Store a running workflow as task rows and restore it from them.

SpiffWorkflow serialises a workflow as one dictionary whose size grows with every task ever run
(trap 2). We keep its per-task format but split it: one record per task, task data stored once
per distinct content (hash), and a small header per (sub)workflow. Saving compares each task
with what was loaded and returns only the records that changed, so a command's writes stay
proportional to what it did, not to the incident's history.

Settled loop iterations leave the live tree. SpiffWorkflow walks the whole task tree on every
step, and a standard loop keeps every finished iteration as a child of the loop task plus its id
in the loop task's `internal_data['merged']` list, so a looped user task run 5,000 times makes
every command walk, compare and rewrite 5,000 entries. Once an iteration is finished and merged,
it is detached from the live workflow in the delta that stores the loop task (its row stays in the
database as history, written in that same delta if it changed): the loop task keeps only its
recent children, and its stored `merged` list keeps only the ids still live plus a count of the
detached ones (`len(merged)` is all a standard loop reads). Detaching while saving, not after the
save, means the loop row that no longer lists the iteration is the row the command writes anyway
(its `merged` list grew), instead of a second write of it by the next command. The
settled passes of rework loops (gateway back-edges) leave the same way (flatten.py); a task moved
up the tree in their place is stored again. Restore follows children lists from the roots
(`live_rows`), so a restored workflow is as small as the cached one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.workflow.flatten import flatten, live_rows
from engine.workflow.registry import REGISTRY
from engine.workflow.views import StateDelta, TaskRecord

TOP = ""
#: Key under which a loop task's stored internal_data counts its detached merged iterations.
PRUNED = "renxing:merged_detached"
#: Finished iterations kept live under their loop task (the newest ones).
KEEP_ITERATIONS = 1


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _encode_data(data: dict[str, Any]) -> str:
    return _canonical(REGISTRY.convert(REGISTRY.clean(data)))


#: Values longer than this (encoded) are shown by their size in `json_data`.
_SHOWN_VALUE_CHARS = 2000


def json_data(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as plain JSON for people to read (a failure's data): long values by their size."""
    shown = json.loads(_encode_data(data))
    return {key: value if len(_canonical(value)) <= _SHOWN_VALUE_CHARS else f"({len(_canonical(value))} characters)"
            for key, value in shown.items()}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: The hash of a task without data (every predicted task's).
_EMPTY_HASH = _hash(_encode_data({}))


def _workflow_header(workflow: BpmnWorkflow | BpmnSubWorkflow) -> dict[str, Any]:
    return {
        "data": json.loads(_encode_data(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "root": str(workflow.task_tree.id),
    }


def _apply_header(workflow: BpmnWorkflow | BpmnSubWorkflow, header: Mapping[str, Any]) -> None:
    workflow.task_tree = workflow.tasks[UUID(header["root"])]
    workflow.success = header["success"]
    workflow.completed = header.get("completed", False)
    workflow.correlations = dict(header.get("correlations") or {})
    last = header.get("last_task")
    workflow.last_task = workflow.tasks.get(UUID(last)) if last else None
    workflow.data = REGISTRY.restore(header.get("data") or {})


def walk_workflows(workflow: BpmnWorkflow) -> list[tuple[str, BpmnWorkflow | BpmnSubWorkflow]]:
    """The top workflow, then subworkflows with every parent before its children."""
    ordered: list[tuple[str, BpmnWorkflow | BpmnSubWorkflow]] = [(TOP, workflow)]
    subs = sorted(workflow.subprocesses.values(), key=lambda sp: sp.depth)
    ordered.extend((str(sp.parent_task_id), sp) for sp in subs)
    return ordered


class StoredWorkflow:
    """A live BpmnWorkflow plus what is known to be stored for it."""

    def __init__(self, workflow: BpmnWorkflow, stored: dict[str, TaskRecord], next_seq: int,
                 detached: dict[str, int] | None = None) -> None:
        self.workflow = workflow
        self._stored = stored
        self._next_seq = next_seq
        #: loop task id -> how many of its oldest merged iterations are detached from the live tree
        self._detached: dict[str, int] = detached or {}
        #: data hashes known to be stored: a delta carries only data the database may not have yet
        self._hashes = {record.data_hash for record in stored.values()}
        #: finished tasks moved up the tree since the last save: stored again by the next delta
        self._moved: set[str] = set()

    # --- saving -------------------------------------------------------------------------------
    def _record(self, task: Task, workflow_id: str, data_cache: dict[int, tuple[str, str]]) -> tuple[TaskRecord, str]:
        cached = data_cache.get(id(task.data))
        if cached is None:
            text = _encode_data(task.data)
            cached = (_hash(text), text)
            data_cache[id(task.data)] = cached
        record = TaskRecord(
            id=str(task.id),
            workflow_id=workflow_id,
            parent_id=str(task._parent) if task._parent is not None else None,
            children=tuple(str(c) for c in task._children),
            state=task.state,
            task_spec=task.task_spec.name,
            last_state_change=task.last_state_change,
            triggered=task.triggered,
            internal_data=json.loads(_canonical(REGISTRY.convert(self._internal_data(task)))),
            data_hash=cached[0],
        )
        return record, cached[1]

    def _internal_data(self, task: Task) -> dict[str, Any]:
        detached = self._detached.get(str(task.id), 0)
        merged = task.internal_data.get("merged")
        if not detached or not isinstance(merged, list) or detached > len(merged):
            return task.internal_data
        return {**task.internal_data, "merged": merged[detached:], PRUNED: detached}

    # --- detaching settled loop iterations ------------------------------------------------------
    def _detach_iterations(self, loop: Task) -> list[Task]:
        """Detach the loop's oldest finished, childless iterations (keeping the newest) and return
        the tasks that left: the iterations and the tasks of the subworkflows they ran. Their rows
        must be stored, or be written in the same transaction as the loop's: restore detaches rows
        it read, `delta` records every changed task before forgetting it."""
        merged = loop.internal_data.get("merged")
        if not isinstance(merged, list):
            return []
        key = str(loop.id)
        done = self._detached.get(key, 0)
        if done > len(merged):  # the loop started over (merged was reset)
            done = 0
        workflow = loop.workflow
        left: list[Task] = []
        while done < len(merged) - KEEP_ITERATIONS:
            child_id = merged[done]
            child = workflow.tasks.get(UUID(child_id)) if child_id else None
            if child is not None:
                if (child.state & TaskState.FINISHED_MASK == 0 or child._children
                        or child is workflow.last_task or child._parent != loop.id):
                    break
                top = workflow.top_workflow
                if child.id in top.subprocesses:
                    # An iteration that ran a subprocess: its (finished) subworkflow goes with it;
                    # its rows stay in the database as history, like the iteration's own row.
                    left.extend(top.delete_subprocess(child))
                loop._children.remove(child.id)
                del workflow.tasks[child.id]
                left.append(child)
            merged[done] = ""
            done += 1
        self._detached[key] = done
        return left

    def detach_settled(self, changed: Iterable[str]) -> None:
        """Detach settled iterations of the loop tasks among `changed` task ids (stored rows)."""
        for key in changed:
            task = self._live_task(key)
            if task is not None and isinstance(task.task_spec, StandardLoopTask):
                for leaving in self._detach_iterations(task):
                    self._stored.pop(str(leaving.id), None)

    def flatten_loops(self) -> None:
        """Settled passes of rework loops leave the live tree (flatten.py); their rows stay as history."""
        for _, wf in walk_workflows(self.workflow):
            left, moved = flatten(self.workflow, wf, self._stored.__contains__)
            for task in left:
                self._stored.pop(str(task.id), None)
                self._detached.pop(str(task.id), None)
            self._moved.update(str(task.id) for task in moved)

    def _live_task(self, key: str) -> Task | None:
        task_id = UUID(key)
        for _, wf in walk_workflows(self.workflow):
            task = wf.tasks.get(task_id)
            if task is not None:
                return task
        return None

    def _unchanged(self, task: Task, stored: TaskRecord | None, workflow_id: str) -> bool:
        """Whether the task's record would be what is stored, decided without encoding it (most
        of the tree is either finished or predicted and empty). Finished tasks never change again
        unless their state or children do. An unfinished task without data or internal data (a
        predicted one) is compared field by field. Anything else is recorded and compared whole."""
        if (stored is None or stored.id in self._moved or stored.state != task.state
                or stored.last_state_change != task.last_state_change or len(stored.children) != len(task._children)):
            return False
        if task.state & TaskState.FINISHED_MASK != 0:
            return True
        return (
            not task.data and not task.internal_data and stored.data_hash == _EMPTY_HASH and not stored.internal_data
            and stored.triggered == task.triggered and stored.task_spec == task.task_spec.name
            and stored.workflow_id == workflow_id
            and stored.parent_id == (str(task._parent) if task._parent is not None else None)
            and stored.children == tuple(str(child) for child in task._children)
        )

    def delta(self) -> StateDelta:
        """The records that changed since the last save. Loop tasks among them first detach their
        settled iterations (recorded here too if they changed): the iteration's row and the loop
        row that no longer lists it go in the same transaction."""
        changed: list[tuple[Task, str]] = []
        seen: set[str] = set()
        for workflow_id, wf in walk_workflows(self.workflow):
            for task in wf.tasks.values():
                key = str(task.id)
                seen.add(key)
                if not self._unchanged(task, self._stored.get(key), workflow_id):
                    changed.append((task, workflow_id))
        left = [leaving for task, _ in changed if isinstance(task.task_spec, StandardLoopTask)
                for leaving in self._detach_iterations(task)]
        upserts: list[TaskRecord] = []
        new_seq: dict[str, int] = {}
        data: dict[str, str] = {}
        data_cache: dict[int, tuple[str, str]] = {}
        for task, workflow_id in changed:
            key = str(task.id)
            stored = self._stored.get(key)
            record, text = self._record(task, workflow_id, data_cache)
            if record != stored:
                upserts.append(record)
                if record.data_hash not in self._hashes:
                    data[record.data_hash] = text
                if stored is None:
                    new_seq[key] = self._next_seq + len(new_seq)
        headers: list[dict[str, Any]] = []
        for workflow_id, wf in walk_workflows(self.workflow):  # without the subworkflows that left
            header = _workflow_header(wf)
            if workflow_id != TOP:
                header.update(parent_task_id=workflow_id, spec=wf.spec.name)
            headers.append(header)
        deletes = tuple(key for key in self._stored if key not in seen)
        meta = {
            "top": headers[0],
            "subprocesses": headers[1:],
            "bpmn_events": REGISTRY.convert(self.workflow.bpmn_events),
        }
        return StateDelta(
            meta=meta, upserts=tuple(upserts), new_seq=new_seq, deletes=deletes, data=data,
            left=tuple(str(task.id) for task in left),
        )

    def mark_saved(self, delta: StateDelta) -> None:
        """Call once the delta is durably stored: it becomes the new baseline."""
        for key in delta.deletes:
            self._stored.pop(key, None)
        for record in delta.upserts:
            self._stored[record.id] = record
        for key in delta.left:
            self._stored.pop(key, None)
        self._next_seq += len(delta.new_seq)
        self._hashes.update(delta.data)
        self._moved.clear()
        self.flatten_loops()


def restore(
    *,
    spec: Any,
    subprocess_specs: Mapping[str, Any],
    script_engine: Any,
    meta: Mapping[str, Any],
    records: Iterable[TaskRecord],
    data: Mapping[str, str],
    next_seq: int,
) -> StoredWorkflow:
    """Rebuild the BpmnWorkflow from its rows (records must come in creation order)."""
    workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=script_engine, deserializing=True)
    by_workflow: dict[str, list[TaskRecord]] = {}
    stored: dict[str, TaskRecord] = {}
    decoded: dict[str, Any] = {}
    detached: dict[str, int] = {}
    # Rows that left the live tree (settled loop iterations and rework passes) are history.
    for record in live_rows(records):
        by_workflow.setdefault(record.workflow_id, []).append(record)
        stored[record.id] = record
        if PRUNED in record.internal_data:
            detached[record.id] = int(record.internal_data[PRUNED])

    def load_tasks(target: BpmnWorkflow | BpmnSubWorkflow, workflow_id: str) -> None:
        target.tasks = {}
        for record in by_workflow.get(workflow_id, []):
            if record.data_hash not in decoded:
                decoded[record.data_hash] = json.loads(data[record.data_hash])
            dct = {
                "typename": "Task",
                "id": record.id,
                "parent": record.parent_id,
                "children": list(record.children),
                "last_state_change": record.last_state_change,
                "state": record.state,
                "task_spec": record.task_spec,
                "triggered": record.triggered,
                "internal_data": _live_internal_data(record.internal_data),
                "data": decoded[record.data_hash],
                "delta": {},
            }
            REGISTRY.restore(dct, workflow=target)

    loaded = {TOP} | {header["parent_task_id"] for header in meta.get("subprocesses", [])}
    stored = {key: record for key, record in stored.items() if record.workflow_id in loaded}
    load_tasks(workflow, TOP)
    _apply_header(workflow, meta["top"])
    for header in meta.get("subprocesses", []):
        parent_id = UUID(header["parent_task_id"])
        parent_task = workflow.get_task_from_id(parent_id)
        sub_spec = workflow.subprocess_specs[header["spec"]]
        sub = BpmnSubWorkflow(sub_spec, parent_id, workflow, deserializing=True)
        load_tasks(sub, header["parent_task_id"])
        _apply_header(sub, header)
        workflow.subprocesses[parent_id] = sub
        sub.completed_event.connect(parent_task.task_spec._on_subworkflow_completed, parent_task)
    workflow.bpmn_events = REGISTRY.restore(meta.get("bpmn_events") or [])
    reconnect_triggered_event_subprocesses(workflow)
    restored = StoredWorkflow(workflow, stored, next_seq, detached)
    restored.detach_settled(list(stored))
    restored.flatten_loops()
    return restored


def _live_internal_data(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored internal_data back to what SpiffWorkflow keeps: detached merged ids become ""."""
    if PRUNED not in stored:
        return dict(stored)
    live = {k: v for k, v in stored.items() if k != PRUNED}
    live["merged"] = [""] * int(stored[PRUNED]) + list(stored.get("merged", []))
    return live


def reconnect_triggered_event_subprocesses(workflow: BpmnWorkflow) -> None:
    """Redo the spec wiring SpiffWorkflow does when a message starts an event subprocess.

    `BpmnStartTask.trigger_wf` connects Start to the event subprocess *in the spec* the first time
    it fires; a spec restored from storage lacks that link, and the running subprocess then fails
    with "No input task connected". `load_specs` never shares specs with such triggers, so wiring
    this workflow's own copy cannot leak into another incident.
    """
    start = workflow.spec.start
    running = {task.task_spec.name for task in workflow.tasks.values()}
    for name in getattr(start, "trigger_specs", []):
        trigger = workflow.spec.task_specs.get(name)
        if trigger is not None and name in running and start not in trigger.inputs:
            start.connect(trigger)
            trigger.connect(workflow.spec.end)


def fresh(workflow: BpmnWorkflow) -> StoredWorkflow:
    """A workflow that has never been stored."""
    return StoredWorkflow(workflow, {}, 0)
