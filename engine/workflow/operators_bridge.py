"""Service tasks call engine operators: the only way a model writes the engine's own tables.

The library hands a service task's operator name and evaluated parameters to
``script_engine.call_service``. Our script engine forwards them to a dispatcher the engine binds
for the duration of each command (it closes over that command's database session), so the
operator's writes land in the same transaction as the rest of the command.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.task import Task

from engine.errors import WorkflowFailure
from engine.messages import WORKFLOW_OUTSIDE_COMMAND
from engine.workflow.script_engine import make_script_engine

#: (operator name, parameters, task data) -> JSON-able result
Dispatcher = Callable[[str, dict[str, Any], Mapping[str, Any]], Any]


class OperatorScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    def __init__(self, timeout: float) -> None:
        super().__init__(environment=make_script_engine(timeout).environment)
        self.dispatcher: Dispatcher | None = None

    def call_service(self, task: Task, **kwargs: Any) -> str:
        if self.dispatcher is None:
            raise WorkflowFailure(WORKFLOW_OUTSIDE_COMMAND)
        params = {name: spec["value"] for name, spec in (kwargs.get("operation_params") or {}).items()}
        result = self.dispatcher(kwargs["operation_name"], params, task.data)
        return json.dumps(result, default=str)
