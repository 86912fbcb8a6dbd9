"""Users, seats and login tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from sqlalchemy.orm import Session

from api.schemas.common import Language, RequestModel, ResponseModel, RoleKey, Username, text
from engine import incidents, seats
from engine.models import User


class TokenOut(ResponseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer <access_token>`.")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires; then log in again.")


class SeatOut(ResponseModel):
    role: str = Field(description="The seat (role key), e.g. `commander`.")
    incident_id: int | None = Field(description="The incident the seat is held for; null = every incident.")
    incident_reference: str | None = None
    granted_by: str
    granted_at: datetime


class UserOut(ResponseModel):
    username: str
    display_name: str
    is_admin: bool
    is_active: bool
    language: str | None = Field(description="The pages' language the user chose; null = not chosen "
                                             "(the pages follow the browser's language).")
    time_zone: str | None = Field(description="The IANA zone the pages show times in; null = the deployment's. "
                                              "The API's times are always UTC (ISO-8601).")
    email: str | None = Field(description="Where e-mail notifications for the user's seats go; null = none.")
    created_at: datetime
    seats: list[SeatOut] = Field(description="Every seat the user holds, global and per incident.")


class CreateUser(RequestModel):
    username: Username
    password: text(1024, 8)  # type: ignore[valid-type]
    display_name: text(200) | None = None  # type: ignore[valid-type]
    is_admin: bool = False
    language: Language | None = Field(None, description="The pages' language; null = the browser's until the user "
                                                         "chooses.")  # type: ignore[valid-type]


class UpdateMe(RequestModel):
    """Only the fields sent change; `time_zone: null` returns to the deployment's zone."""

    language: Language | None = None  # type: ignore[valid-type]
    time_zone: text(64) | None = Field(None, description="An IANA time zone such as `Asia/Shanghai`.")  # type: ignore[valid-type]
    email: text(254) | None = Field(None, description="Where notifications reach me by e-mail; null = none.")  # type: ignore[valid-type]


class GrantSeat(RequestModel):
    username: Username
    role: RoleKey = Field(description="A snake_case role key such as `grid_worker` or `auditor`.")


def user_out(session: Session, user: User) -> UserOut:
    """The user with every seat; per-incident seats also name the incident's reference."""
    assignments = seats.seats_of(session=session, user_id=user.id)
    references = {
        incident_id: incidents.get(session=session, incident_id=incident_id).reference
        for incident_id in {a.incident_id for a in assignments if a.incident_id is not None}
    }
    return UserOut(
        username=user.username, display_name=user.display_name, is_admin=user.is_admin,
        is_active=user.is_active, language=user.language or None, time_zone=user.time_zone, email=user.email,
        created_at=user.created_at,
        seats=[SeatOut(role=a.role, incident_id=a.incident_id, granted_by=a.granted_by,
                       granted_at=a.granted_at, incident_reference=references.get(a.incident_id or 0))
               for a in assignments],
    )
