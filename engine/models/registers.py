"""Registers kept as rows, never in workflow data: hazards (风险隐患台账), improvement actions,
and the versioned emergency plan of each governance unit (一点一案)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType


class Hazard(Base):
    __tablename__ = "hazards"
    __table_args__ = (Index("ix_hazards_status_grade", "status", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The screening round (a process instance) that found it.
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    location: Mapped[str] = mapped_column(String(300))
    facility: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    grade: Mapped[str] = mapped_column(String(16))
    owner_seat: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime]
    #: open | rectifying | rectified | escalated | verified | closed
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    found_by: Mapped[str] = mapped_column(String(64))
    found_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ImprovementAction(Base):
    """One row of the improvement plan (HSEEP's AAR/IP): what capability fell short, the issue seen,
    the corrective action, its owner seat, start and due; carried out by the owner with evidence and
    verified by someone else; overdue ones escalate to the plan approver."""

    __tablename__ = "improvement_actions"
    __table_args__ = (Index("ix_improvement_actions_plan_unit_status", "plan_unit", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    capability: Mapped[str | None] = mapped_column(String(32))
    issue: Mapped[str | None] = mapped_column(Text)
    #: The corrective action.
    title: Mapped[str] = mapped_column(String(300))
    owner_seat: Mapped[str] = mapped_column(String(64))
    plan_unit: Mapped[str] = mapped_column(String(200))
    #: The section of the unit's plan the action revises, if any.
    plan_section: Mapped[str | None] = mapped_column(String(32))
    start_at: Mapped[datetime | None]
    due_at: Mapped[datetime]
    #: open | overdue | submitted | done
    status: Mapped[str] = mapped_column(String(16), index=True)
    #: The process carrying it out: improvement_action (plan_revision for actions recorded before it).
    revision_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    evidence: Mapped[str | None] = mapped_column(Text)
    #: The section texts the owner wrote (section -> text), published once the action is verified.
    section_changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(64))
    verification_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]


class EmergencyPlan(Base):
    """One row per version of a unit's plan; the newest version is the one in force."""

    __tablename__ = "emergency_plans"
    __table_args__ = (UniqueConstraint("unit", "version", name="uq_emergency_plans_unit_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    #: Every section of this version, whole (section code -> text): a version never depends on another.
    sections: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    drafted_by: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(64))
    improvement_action_id: Mapped[int | None] = mapped_column(ForeignKey("improvement_actions.id"))
    revision_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    published_at: Mapped[datetime]
