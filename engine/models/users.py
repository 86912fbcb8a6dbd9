"""People and the seats (roles) they hold, globally or for one incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: The pages' language the person chose; "": not chosen yet (the browser's language applies).
    language: Mapped[str] = mapped_column(String(8), default="")
    #: An IANA zone the pages show times in; None: the deployment's (RENXING_TIME_ZONE).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    #: Where e-mail notifications for the person's seats go; None: none by e-mail.
    email: Mapped[str | None] = mapped_column(String(254))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class RoleAssignment(Base):
    """A seat: `incident_id` NULL means the role is held for every incident."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "incident_id", name="uq_role_assignments_seat"),
        Index("ix_role_assignments_role_incident", "role", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]


class CacheVersion(Base):
    """A counter the database itself bumps (triggers) when what a cache holds may have changed:
    `seats` on any change of seats or of a user's name, display name, admin or active flag (a
    process may keep principals while it stands still); `plans` on any change of the emergency
    plans (a process may keep the plans in force)."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
