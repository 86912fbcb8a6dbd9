"""Warnings as a community receives them: graded (blue → red) and issued by the authorised issuer
(a county/district meteorological observatory or emergency bureau), never by the community itself.

`receive` starts an `early_warning` instance from the CAP fields (event, level, area, issued,
expires, issuer) and the grids to relay it to; the model relays, pre-positions and reports by the
level's row of warning_prepositioning.dmn. `change` passes on what the issuer changed — a raised or
lowered level starts the round again at the new level; lifting it, or it becoming an incident,
closes it; expiry is the model's own timer. Each is audited with the level, which is how the
list of warnings knows each one's level without loading its workflow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, definitions, seats
from engine.actors import Actor
from engine.db import now
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.incidents import get, resolve, start_instance
from engine.incidents.pipeline import Locked, run_command
from engine.messages import (
    WARNING_ALREADY_EXPIRED,
    WARNING_CHANGE_NOT_VALID,
    WARNING_EXPIRES_BEFORE_ISSUED,
    WARNING_LEVEL_NOT_HIGHER,
    WARNING_LEVEL_NOT_LOWER,
    WARNING_NOT_A_WARNING,
    WARNING_NOT_VALID,
    WARNING_SEATS_ONLY,
)
from engine.models import AuditEvent, Incident
from forms import validate
from forms.i18n import one_of
from forms.messages import FIELD_FORMAT, FIELD_REQUIRED, Message
from forms.vocabulary import (
    ACTIVE,
    WARNING_CHANGES,
    WARNING_EVENT_CATEGORIES,
    WARNING_LEVELS,
    WARNING_ROLES,
)

PROCESS = "early_warning"
UPDATE_MESSAGE = "warning_update"
RECEIVED, CHANGED = "warning_received", "warning_changed"


@dataclass(frozen=True)
class WarningView:
    """A warning received, as its audit events tell it (the workflow is not loaded)."""

    id: int
    reference: str
    status: str
    headline: str
    event: str
    level: str
    area: str
    issuer: str
    issued: datetime
    expires: datetime
    #: The last change (raise, lower, lift, open_incident), if any.
    last_change: str | None


def _require_seat(session: Session, actor: Actor) -> None:
    if actor.is_admin:
        return
    if not any(seats.holds(session=session, actor=actor, role=role, incident_id=None) for role in WARNING_ROLES):
        raise Forbidden(WARNING_SEATS_ONLY)


def _moment(fields: dict[str, Message], name: str, value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        fields.setdefault(name, FIELD_FORMAT(format="date-time"))
        return None
    return moment.astimezone(UTC)


def receive(*, session: Session, actor: Actor, warning: Mapping[str, Any], unit: str,
            exercise: bool = False) -> Incident:
    """Start relaying a warning the issuer published; refused (naming each field) when it is
    malformed, expires before it was issued, or has already expired."""
    _require_seat(session, actor)
    fields: dict[str, Message] = dict(validate("warning_received", dict(warning)))
    if not isinstance(unit, str) or not unit.strip():
        fields["unit"] = FIELD_REQUIRED()
    issued = _moment(fields, "issued", warning.get("issued")) if "issued" not in fields else None
    expires = _moment(fields, "expires", warning.get("expires")) if "expires" not in fields else None
    if issued and expires and expires <= issued:
        fields["expires"] = WARNING_EXPIRES_BEFORE_ISSUED()
    elif expires and expires <= now(session):
        fields["expires"] = WARNING_ALREADY_EXPIRED()
    if fields:
        raise InvalidInput(WARNING_NOT_VALID, fields=fields)
    assert issued is not None and expires is not None
    data = {**warning, "issued": issued.isoformat(), "expires": expires.isoformat(), "warning_state": "in_force",
            "category": WARNING_EVENT_CATEGORIES[warning["event"]]}
    incident = start_instance(
        session=session, actor=actor, definition=definitions.get(session=session, process_id=PROCESS),
        title=str(warning["headline"]), category=data["category"], unit=unit, exercise=exercise, data=data)
    audit.record(session=session, actor=actor.username, action=RECEIVED, incident_id=incident.id,
                 payload={key: data[key] for key in ("headline", "event", "area", "issuer", "issued", "expires")}
                 | {"level": warning["warning_level"]})
    return incident


def _current(session: Session, incident_id: int) -> WarningView:
    incident = get(session=session, incident_id=incident_id)
    received = next((e.payload for e in audit.events(session=session, incident_id=incident_id, action=RECEIVED)),
                    None)
    if received is None:
        raise NotFound(WARNING_NOT_A_WARNING, reference=incident.reference)
    changes = [e.payload for e in audit.events(session=session, incident_id=incident_id, action=CHANGED)]
    level = next((c["to"] for c in reversed(changes) if c.get("to")), received["level"])
    return WarningView(
        id=incident.id, reference=incident.reference, status=incident.status, headline=received["headline"],
        event=received["event"], level=level, area=received["area"], issuer=received["issuer"],
        issued=datetime.fromisoformat(received["issued"]), expires=datetime.fromisoformat(received["expires"]),
        last_change=changes[-1]["change"] if changes else None)


def show(*, session: Session, ref: str | int) -> WarningView:
    """One warning by reference or id, with its level in force."""
    return _current(session, resolve(session=session, ref=ref).id)


def change(*, session: Session, actor: Actor, ref: str | int, change: str, reason: str,
           level: str | None = None) -> WarningView:
    """What the issuer changed: `raise` or `lower` to a new `level`, `lift`, or `open_incident`."""
    _require_seat(session, actor)
    incident_id = resolve(session=session, ref=ref).id
    current = _current(session, incident_id)
    fields: dict[str, Message] = {}
    if change not in WARNING_CHANGES:
        fields["change"] = one_of(WARNING_CHANGES, kind="warning_change")
    if not isinstance(reason, str) or not reason.strip():
        fields["reason"] = FIELD_REQUIRED()
    if change in ("raise", "lower"):
        if level not in WARNING_LEVELS:
            fields["level"] = one_of(WARNING_LEVELS, kind="warning_level")
        elif change == "raise" and WARNING_LEVELS.index(level) <= WARNING_LEVELS.index(current.level):
            fields["level"] = WARNING_LEVEL_NOT_HIGHER(level=current.level)
        elif change == "lower" and WARNING_LEVELS.index(level) >= WARNING_LEVELS.index(current.level):
            fields["level"] = WARNING_LEVEL_NOT_LOWER(level=current.level)
    if fields:
        raise InvalidInput(WARNING_CHANGE_NOT_VALID, fields=fields)
    new_level = level if change in ("raise", "lower") else None
    payload = {"change": change, "level": new_level, "reason": reason.strip()}

    def send(locked: Locked) -> None:
        locked.runtime.send_message(UPDATE_MESSAGE, payload)
        audit.record(session=session, actor=actor.username, action=CHANGED, incident_id=incident_id,
                     payload={"change": change, "from": current.level, "to": new_level, "reason": reason.strip()})

    run_command(session, incident_id, actor, send)
    return _current(session, incident_id)


def list_warnings(*, session: Session, in_force_only: bool = False, limit: int = 200) -> list[WarningView]:
    """Warnings received, newest first (those still in force only, if asked)."""
    ids = session.scalars(select(AuditEvent.incident_id).where(AuditEvent.action == RECEIVED)
                          .order_by(AuditEvent.id.desc()).limit(limit))
    found = [_current(session, incident_id) for incident_id in ids if incident_id is not None]
    return [w for w in found if w.status == ACTIVE] if in_force_only else found
