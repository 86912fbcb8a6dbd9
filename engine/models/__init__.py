"""ORM models (SQLAlchemy 2, typed). Import from here so every table is registered."""

from engine.models.attachments import Attachment
from engine.models.audit import AuditChainHead, AuditEvent, IdempotentCommand
from engine.models.base import Base
from engine.models.decisions import Decision, DecisionFlag, DecisionOrder, FaultToleranceReview
from engine.models.definitions import ProcessDefinition
from engine.models.failures import IncidentFailure
from engine.models.incidents import Incident, PhaseHistory, ReferenceCounter
from engine.models.notifications import Notification, NotificationDelivery
from engine.models.registers import EmergencyPlan, Hazard, ImprovementAction
from engine.models.resources import Resource, ResourceMovement, ResourceReservation
from engine.models.schedules import Schedule
from engine.models.secrets import DeploymentSecret
from engine.models.tasks import HumanTask
from engine.models.users import CacheVersion, RoleAssignment, User
from engine.models.volunteers import Volunteer
from engine.models.workflow_state import TaskDataRow, WorkflowTaskRow

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "CacheVersion",
    "Decision",
    "DeploymentSecret",
    "DecisionFlag",
    "DecisionOrder",
    "EmergencyPlan",
    "FaultToleranceReview",
    "Hazard",
    "ImprovementAction",
    "HumanTask",
    "IdempotentCommand",
    "Incident",
    "IncidentFailure",
    "Notification",
    "NotificationDelivery",
    "PhaseHistory",
    "ProcessDefinition",
    "ReferenceCounter",
    "Resource",
    "ResourceMovement",
    "ResourceReservation",
    "RoleAssignment",
    "Schedule",
    "TaskDataRow",
    "User",
    "Volunteer",
    "WorkflowTaskRow",
]
