"""The registers kept as rows: hazards (风险隐患台账), improvement actions, units' plans (一点一案)."""

from engine.registers.queries import (
    MAX_PAGE,
    ActionFilter,
    HazardFilter,
    get_hazard,
    list_hazards,
    list_improvement_actions,
    plan_versions,
)

__all__ = [
    "MAX_PAGE",
    "ActionFilter",
    "HazardFilter",
    "get_hazard",
    "list_hazards",
    "list_improvement_actions",
    "plan_versions",
]
