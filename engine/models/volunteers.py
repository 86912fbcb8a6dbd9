"""The volunteer and social-organisation register (志愿者/社会组织台账): the second echelon
(第二梯队) a commander may call on — who they are, what they can do, how to reach them, and whether
they are free or out with an incident now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType


class Volunteer(Base):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: volunteer (a person) | organisation (a social organisation, bringing `people`)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[Any]] = mapped_column(JSONType)
    contact: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200))
    people: Mapped[int] = mapped_column(default=1)
    #: False while deployed with an incident, or when they said they cannot come.
    available: Mapped[bool] = mapped_column(default=True)
    deployed_incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
