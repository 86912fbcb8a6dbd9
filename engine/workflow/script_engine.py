"""SpiffWorkflow's script engine, with every expression and script run through the sandbox.

SpiffWorkflow sends gateway conditions, timer expressions, DMN cells (DMNEngine builds
``(input) == (cell)`` or substitutes ``?`` and passes the input value as the external
context ``dmninputexpr``), message payloads, correlation retrievals and script tasks to
``environment.evaluate`` / ``environment.execute``. The stock ``TaskDataEnvironment`` runs
them with ``eval``/``exec`` and full builtins; ``SandboxedEnvironment`` keeps its task-data
semantics but runs them through :mod:`engine.workflow.sandbox`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from engine.workflow import sandbox

__all__ = ["SandboxedEnvironment", "make_script_engine"]


class SandboxedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """``TaskDataEnvironment`` semantics, sandboxed evaluation.

    Visible to the code: the environment globals (trusted helpers a developer registers),
    then the external context (workflow data objects, the DMN input value), then the task
    data, later ones winning. After a script the task data holds the script's variables;
    globals, external values, builtins and functions are never written into it.
    """

    def __init__(self, environment_globals: Mapping[str, Any] | None = None, *, timeout: float = 1.0) -> None:
        super().__init__(dict(environment_globals or {}))
        self.timeout = timeout

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        self._prepare_context(context)
        if self.globals or external_context:
            context = {**self.globals, **(external_context or {}), **context}
        return sandbox.evaluate(expression, context, timeout=self.timeout)

    def execute(self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None) -> bool:
        external = dict(external_context or {})
        self.check_for_overwrite(context, external)
        self._prepare_context(context)
        hidden = {**self.globals, **external}
        scope = {**hidden, **context}
        sandbox.execute(script, scope, timeout=self.timeout)
        for name in [name for name in context if name not in scope]:
            del context[name]
        for name, value in scope.items():
            if name in hidden:
                continue  # check_for_overwrite guarantees the task data never held these names
            if callable(value):
                context.pop(name, None)
            else:
                context[name] = value
        return True


def make_script_engine(timeout: float = 1.0) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose every evaluation runs in the sandbox."""
    return PythonScriptEngine(environment=SandboxedEnvironment(timeout=timeout))
