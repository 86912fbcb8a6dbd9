"""Move a running workflow onto a newer version of its process (Camunda's process instance
migration, by element id).

Every element the workflow stands at or went through — finished, running, waiting — must exist
under the same id in the new version (in the same process or subprocess); then each task is
pointed at the new version's element and the path ahead of every waiting task is predicted again
from the new model. Tasks keep their ids, their data and their internal state (a deadline timer
keeps the moment it is due). Otherwise nothing changes and the elements without a counterpart are
named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.workflow.state import reconnect_triggered_event_subprocesses, walk_workflows

#: Tasks the new model predicts again (the path not taken yet); all others must match.
_PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE
#: Tasks whose path ahead is predicted again from the new model.
_WAITING = TaskState.READY | TaskState.WAITING


def _element(task: Any) -> str:
    return str(task.task_spec.bpmn_id or task.task_spec.name)


def unmatched(workflow: BpmnWorkflow, spec: Any, subprocess_specs: Mapping[str, Any]) -> list[str]:
    """The elements of the workflow with no counterpart in the new version (empty: it may move)."""
    missing: set[str] = set()
    for _, wf in walk_workflows(workflow):
        target = spec if wf is workflow else subprocess_specs.get(wf.spec.name)
        for task in wf.tasks.values():
            if task.state & _PREDICTED:
                continue
            if target is None or task.task_spec.name not in target.task_specs:
                missing.add(_element(task))
    return sorted(missing)


def migrate(workflow: BpmnWorkflow, spec: Any, subprocess_specs: Mapping[str, Any]) -> list[str]:
    """Point the workflow at the new specs; returns the elements left unmatched (empty on success;
    otherwise the workflow is half-moved and must be thrown away)."""
    missing = unmatched(workflow, spec, subprocess_specs)
    if missing:
        return missing
    workflow.subprocess_specs = dict(subprocess_specs)
    for _, wf in walk_workflows(workflow):
        target = spec if wf is workflow else subprocess_specs[wf.spec.name]
        wf.spec = target
        for task in wf.tasks.values():
            found = target.task_specs.get(task.task_spec.name)
            if found is not None:
                task.task_spec = found
        for task in list(wf.get_tasks(state=_WAITING, skip_subprocesses=True)):
            if task.id in wf.tasks:
                task._drop_children(force=True)
                task.task_spec._predict(task, mask=_PREDICTED | _WAITING)
    reconnect_triggered_event_subprocesses(workflow)
    left = sorted({_element(task) for _, wf in walk_workflows(workflow) for task in wf.tasks.values()
                   if task.task_spec is not wf.spec.task_specs.get(task.task_spec.name)})
    return left
