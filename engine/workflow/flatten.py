"""Settled passes of a rework loop leave the live task tree (SPIFFWORKFLOW.md trap 1).

A gateway that sends work back ("rejected → fix → resubmit") makes SpiffWorkflow add each new pass
below the previous one: the task tree grows a few levels per pass, every step walks all of it, and
the library's tree iterator stops 1,000 levels deep — the workflow then stalls while saying it is
complete. Here a finished task of a loop (its element lies on a cycle of the process graph) leaves
the live tree once the pass it belongs to has moved on: its one continuing child, finished along
with that child's own children, takes its place under its parent, and its settled side branches
(finished to their leaves: an unchosen boundary event, finished multi-instance children, a finished
subprocess) leave with it. Only durably saved tasks leave; their rows stay in the database as
history, and restore follows children lists from the roots, so it skips them (`live_rows`).

What stays is what the library reads: the unfinished tasks, their parents and grandparents
(a boundary event's join looks its split up among its ancestors), the workflow's last task, and
every task of elements outside loops. Deploy refuses the loop shapes this cannot keep safe
(spec_flows.py): a loop through a parallel, inclusive or event-based gateway, whose joins match
tokens by ancestry across passes, and a loop that leaves through a boundary event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

__all__ = ["CAME_FROM", "cycles", "flatten", "live_rows"]

#: internal_data key of a task moved up the tree: the id of the parent it ran after (for the diagram).
CAME_FROM = "renxing:came_from"

_SETTLED = TaskState.COMPLETED | TaskState.CANCELLED
_ON_CYCLE: WeakKeyDictionary[Any, frozenset[str]] = WeakKeyDictionary()


class _Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def children(self) -> Any: ...


R = TypeVar("R", bound=_Row)


def live_rows(rows: Iterable[R]) -> list[R]:
    """The rows of the live tree, in the given (creation) order: the top workflow's root, the roots
    of subworkflows whose task is live, and each row its live parent still lists. Rows that left
    the tree (settled passes, detached loop iterations, their subworkflows) are history."""
    children: dict[str, frozenset[str]] = {}
    live = []
    for row in rows:
        if (row.id in children.get(row.parent_id, ()) if row.parent_id is not None
                else row.workflow_id == "" or row.workflow_id in children):
            children[row.id] = frozenset(row.children)
            live.append(row)
    return live


def on_cycle(spec: Any) -> frozenset[str]:
    """Names of the task specs that lie on a cycle of the process graph (Tarjan, iterative)."""
    found = _ON_CYCLE.get(spec)
    if found is None:
        graph = {name: [o.name for o in task_spec.outputs] for name, task_spec in spec.task_specs.items()}
        found = _ON_CYCLE[spec] = frozenset(name for component in cycles(graph) for name in component)
    return found


def cycles(graph: Mapping[str, Sequence[str]]) -> list[frozenset[str]]:
    """The strongly connected components of `graph` that hold a cycle (Tarjan, iterative: models
    can be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[frozenset[str]] = []
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, outputs = work[-1]
            target = next(outputs, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, ()))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    result.append(frozenset(component))
    return result


def _subtree(task: Task) -> list[Task]:
    found, pending = [], [task]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.children)
    return found


def flatten(top: BpmnWorkflow, workflow: BpmnWorkflow | BpmnSubWorkflow,
            saved: Callable[[str], bool]) -> tuple[list[Task], list[Task]]:
    """Move settled passes of `workflow`'s loops out of its live tree. Returns the tasks that left
    (history: the caller forgets them) and the tasks whose parent or children changed (to store
    again). `saved(id)` says whether a task is stored."""
    loops = on_cycle(workflow.spec)
    left: list[Task] = []
    moved: list[Task] = []
    for task in [t for t in workflow.tasks.values() if t.task_spec.name in loops] if loops else []:
        if task.id in workflow.tasks:
            parent = task.parent
            child = _splice(top, workflow, task, saved, left)
            if child is not None:
                moved.extend((parent, child))
    return left, moved


def _splice(top: BpmnWorkflow, workflow: BpmnWorkflow | BpmnSubWorkflow, task: Task,
            saved: Callable[[str], bool], left: list[Task]) -> Task | None:
    """Put `task`'s one continuing child in its place if the pass has moved on past both."""
    parent = task.parent
    if (parent is None or task.state != TaskState.COMPLETED or task is workflow.last_task
            or not saved(str(task.id))):
        return None
    going, staying = [task], []
    for child in task.children:
        branch = _subtree(child)
        if all(t.has_state(_SETTLED) and t is not workflow.last_task and saved(str(t.id)) for t in branch):
            going.extend(branch)
        else:
            staying.append(child)
    if len(staying) != 1:
        return None
    (child,) = staying
    if child.state != TaskState.COMPLETED or not all(c.has_state(_SETTLED) for c in child.children):
        return None  # the pass has not moved on yet: a join below may still look up its split
    parent._children[parent._children.index(task.id)] = child.id
    child._parent = parent.id
    child.internal_data.setdefault(CAME_FROM, str(task.id))
    for leaving in going:
        if leaving.id in top.subprocesses:
            left.extend(top.delete_subprocess(leaving))
        del workflow.tasks[leaving.id]
        left.append(leaving)
    return child
