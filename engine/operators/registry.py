"""The operator table and how a command reaches it.

An operator is what a model's service task may do to the engine's own tables. Each runs inside
the command that reached its service task, with that command's session, incident and actor, so
its writes commit or roll back with everything else. Bodies register themselves with
`@operator(name)`; `engine.operators` imports every body module, so the table is never empty when
a deploy checks a model's operator names or a command dispatches one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.errors import InvalidInput
from engine.messages import OPERATOR_UNKNOWN, OPERATOR_UNKNOWN_FIELD
from engine.models import Incident
from engine.workflow import Dispatcher


class InstanceStarter(Protocol):
    """Start a process instance linked to the command's incident (its `parent_id`), in the same
    transaction. The command pipeline provides it, so operators never import the incidents package."""

    def __call__(self, *, process_id: str, title: str, category: str, unit: str, exercise: bool,
                 data: Mapping[str, Any]) -> Incident: ...


@dataclass(frozen=True)
class Context:
    session: Session
    incident: Incident
    actor: Actor
    start_instance: InstanceStarter


Operator = Callable[[Context, Mapping[str, Any]], Any]
OPERATORS: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(func: Operator) -> Operator:
        OPERATORS[name] = func
        return func
    return register


def dispatcher_for(context: Context) -> Dispatcher:
    def dispatch(name: str, params: dict[str, Any], _data: Mapping[str, Any]) -> Any:
        func = OPERATORS.get(name)
        if func is None:
            raise InvalidInput(OPERATOR_UNKNOWN, name=name, fields={"operator": OPERATOR_UNKNOWN_FIELD(name=name)})
        return func(context, params)

    return dispatch
