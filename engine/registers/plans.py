"""The units' emergency plans (一点一案) in sections: the plan in force, what one section of it says
for a task, and what changed between two versions (each version is stored whole).

The plan in force is read by every start (its summary seeds the workflow): a process keeps it by
unit while `cache_versions.plans` stands still — database triggers move that counter on any
INSERT, UPDATE or DELETE of `emergency_plans`, in whichever process it happens — so a start reads
one small row instead of the plan."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db import now, on_commit
from engine.errors import Forbidden, NotFound
from engine.messages import PLAN_SELF_APPROVAL, PLAN_VERSION_NOT_FOUND
from engine.models import CacheVersion, EmergencyPlan
from forms.vocabulary import FORM_PLAN_SECTIONS, PHASE_PLAN_SECTIONS, PLAN_SECTIONS


@dataclass(frozen=True)
class PlanSection:
    unit: str
    version: int
    section: str
    text: str


@dataclass(frozen=True)
class SectionChange:
    section: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class PlanInForce:
    """A version of a unit's plan as stored, shared by the sessions of a process (not an ORM row)."""

    id: int
    unit: str
    version: int
    summary: str
    content: str
    sections: Mapping[str, str]
    drafted_by: str
    approved_by: str
    improvement_action_id: int | None
    revision_incident_id: int | None
    published_at: datetime

    @classmethod
    def of(cls, row: EmergencyPlan) -> PlanInForce:
        values: dict[str, Any] = {f.name: getattr(row, f.name) for f in fields(cls)}
        return cls(**values | {"sections": MappingProxyType(dict(row.sections))})


class _InForce:
    """The plans in force of this process by unit, per database (`session.info["db_token"]`), as of
    one value of `cache_versions.plans`; another value drops them all."""

    def __init__(self, capacity: int = 4096) -> None:
        self._entries: dict[str, tuple[int, dict[str, PlanInForce | None]]] = {}
        self._capacity = capacity
        self._lock = threading.Lock()

    def get(self, token: str, version: int, unit: str) -> tuple[PlanInForce | None] | None:
        """`(the unit's plan,)` — `(None,)`: it has none — if known at `version`; None if not known."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is None or entry[0] != version or unit not in entry[1]:
                return None
            return (entry[1][unit],)

    def put(self, token: str, version: int, unit: str, plan: PlanInForce | None) -> None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None or entry[0] < version:  # a committed counter only grows
                entry = self._entries[token] = (version, {})
            if entry[0] == version:
                plans = entry[1]
                if len(plans) >= self._capacity:
                    del plans[next(iter(plans))]
                plans[unit] = plan


_IN_FORCE = _InForce()
_PLANS_VERSION = select(CacheVersion.version).where(CacheVersion.name == "plans")


def plan_in_force(*, session: Session, unit: str) -> PlanInForce | None:
    """The newest version of the unit's plan: one small row read when this process knows it at the
    current `cache_versions.plans`; else the plan, remembered once what was read is committed.

    The counter is read on the session's connection (no ORM execution, no autoflush): it moves
    with what the transaction has flushed, and `publish` flushes the plans it adds."""
    version = session.connection().execute(_PLANS_VERSION).scalar() or 0
    token = session.info["db_token"]
    known = _IN_FORCE.get(token, version, unit)
    if known is not None:
        return known[0]
    row = _newest(session, unit)
    plan = PlanInForce.of(row) if row is not None else None
    remember = partial(_IN_FORCE.put, token, version, unit, plan)
    if "after_commit" in session.info:
        # A write transaction may read what it wrote itself (a plan it published, the counter it
        # moved): kept only once committed — rolled back, the counter's value is given out again.
        on_commit(session, remember)
    else:
        remember()
    return plan


def _newest(session: Session, unit: str) -> EmergencyPlan | None:
    return session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == unit)
                           .order_by(EmergencyPlan.version.desc()).limit(1)).first()


def section_for(*, session: Session, unit: str, form_key: str, phase: str | None,
                revises: str | None = None) -> PlanSection | None:
    """The section of the unit's plan in force that a task of this form and phase works from (or the
    section it `revises`, for an improvement action's task)."""
    section = revises or FORM_PLAN_SECTIONS.get(form_key) or PHASE_PLAN_SECTIONS.get(phase or "")
    plan = plan_in_force(session=session, unit=unit) if section else None
    if plan is None or section is None or not plan.sections.get(section):
        return None
    return PlanSection(unit=unit, version=plan.version, section=section, text=plan.sections[section])


def publish(*, session: Session, unit: str, summary: str, content: str | None, changes: Mapping[str, str],
            drafted_by: str, approved_by: str, improvement_action_id: int | None,
            revision_incident_id: int) -> EmergencyPlan:
    """A new version of the unit's plan: the changed sections over the previous version's, stored
    whole (its content kept when none is given); drafted and approved by two different people."""
    if drafted_by == approved_by:
        raise Forbidden(PLAN_SELF_APPROVAL)
    previous = plan_in_force(session=session, unit=unit)
    version = (previous.version if previous else 0) + 1
    plan = EmergencyPlan(
        unit=unit, version=version, summary=summary,
        content=content if content is not None else (previous.content if previous else ""),
        sections={**(previous.sections if previous else {}), **changes},
        drafted_by=drafted_by, approved_by=approved_by, improvement_action_id=improvement_action_id,
        revision_incident_id=revision_incident_id, published_at=now(session),
    )
    session.add(plan)
    session.flush()
    audit.record(session=session, actor=approved_by, action="plan_published", incident_id=revision_incident_id,
                 payload={"plan_id": plan.id, "unit": unit, "version": version, "drafted_by": drafted_by,
                          "sections_changed": sorted(changes), "approved_by": approved_by,
                          "improvement_action_id": improvement_action_id})
    return plan


def _version(session: Session, unit: str, version: int) -> EmergencyPlan:
    plan = session.scalars(select(EmergencyPlan).where(EmergencyPlan.unit == unit,
                                                       EmergencyPlan.version == version)).first()
    if plan is None:
        raise NotFound(PLAN_VERSION_NOT_FOUND, unit=unit, version=version)
    return plan


def plan_diff(*, session: Session, unit: str, older: int, newer: int) -> list[SectionChange]:
    """The sections that differ between two versions, in the plan's order."""
    before, after = _version(session, unit, older).sections, _version(session, unit, newer).sections
    return [SectionChange(section=s, before=before.get(s), after=after.get(s))
            for s in PLAN_SECTIONS if before.get(s) != after.get(s)]
