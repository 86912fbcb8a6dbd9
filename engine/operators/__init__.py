"""Operators: what a model's service tasks may do to the engine's own tables.

Importing this package registers every operator (the body modules below), so `OPERATORS` is the
complete table wherever it is read. Where to add one: a function decorated with
`@operator("name")` in the body module of its domain (or a new module imported here).
"""

from engine.operators import command, hazards, improvements, learning, linked, plans, resources, rulings, volunteers
from engine.operators.registry import OPERATORS, Context, InstanceStarter, Operator, dispatcher_for, operator

__all__ = [
    "OPERATORS",
    "Context",
    "InstanceStarter",
    "Operator",
    "command",
    "dispatcher_for",
    "hazards",
    "improvements",
    "learning",
    "linked",
    "operator",
    "plans",
    "resources",
    "rulings",
    "volunteers",
]
