"""The registers kept as rows: hazards (风险隐患台账), improvement actions, units' plans (一点一案),
and the preparedness resources (reserves, equipment, shelters, fire stations, the service station)."""

from engine.registers.plans import PlanSection, SectionChange, plan_diff, plan_in_force, publish, section_for
from engine.registers.queries import (
    MAX_PAGE,
    ActionFilter,
    HazardFilter,
    get_hazard,
    list_hazards,
    list_improvement_actions,
    plan_versions,
    references,
)
from engine.registers.resources import (
    EXPIRY_NOTICE,
    ResourceFilter,
    draw,
    get_resource,
    list_resources,
    movements,
    needing_rotation,
    register,
    restock,
)
from engine.registers.volunteers import deploy as deploy_volunteers
from engine.registers.volunteers import get_volunteer, list_volunteers, register_volunteer
from engine.registers.volunteers import stand_down as stand_down_volunteers

__all__ = [
    "MAX_PAGE",
    "ActionFilter",
    "HazardFilter",
    "get_hazard",
    "list_hazards",
    "list_improvement_actions",
    "plan_versions",
    "references",
    "EXPIRY_NOTICE",
    "PlanSection",
    "SectionChange",
    "plan_diff",
    "plan_in_force",
    "publish",
    "section_for",
    "ResourceFilter",
    "draw",
    "get_resource",
    "list_resources",
    "movements",
    "needing_rotation",
    "register",
    "restock",
    "deploy_volunteers",
    "get_volunteer",
    "list_volunteers",
    "register_volunteer",
    "stand_down_volunteers",
]
