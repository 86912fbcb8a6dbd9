"""ORM models (SQLAlchemy 2, typed). Import from here so every table is registered."""

from engine.models.audit import AuditChainHead, AuditEvent, IdempotentCommand
from engine.models.base import Base
from engine.models.decisions import Decision
from engine.models.definitions import ProcessDefinition
from engine.models.incidents import Incident, IncidentCounter, PhaseHistory
from engine.models.tasks import HumanTask
from engine.models.users import RoleAssignment, User
from engine.models.workflow_state import TaskDataRow, WorkflowTaskRow

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Decision",
    "HumanTask",
    "IdempotentCommand",
    "Incident",
    "IncidentCounter",
    "PhaseHistory",
    "ProcessDefinition",
    "RoleAssignment",
    "TaskDataRow",
    "User",
    "WorkflowTaskRow",
]
