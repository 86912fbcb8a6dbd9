"""Set a process variable of a running or failed incident by hand — the fix before a retry (a
variable a timer's next step needs, a value an expression chokes on). Only the commander or an
administrator, always with a reason; the old and new values go into the audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.actors import Actor
from engine.errors import Conflict, InvalidInput
from engine.incidents.access import require_commander
from engine.incidents.pipeline import Locked, run_command
from engine.incidents.starting import VARIABLE
from engine.messages import (
    INCIDENT_NOT_RUNNING,
    INCIDENT_VARIABLE_NAME,
    REASON_REQUIRED,
    VARIABLE_REASON,
    VARIABLE_VALUE_JSON,
    VARIABLE_VALUE_TOO_LARGE,
)
from engine.models import Incident
from forms.vocabulary import ACTIVE, FAILED

#: The largest value (as JSON text) a variable may be set to by hand.
MAX_VALUE_CHARS = 10_000


def _checked(name: Any, value: Any, reason: Any) -> str:
    if not isinstance(name, str) or not VARIABLE.match(name):
        raise InvalidInput(INCIDENT_VARIABLE_NAME, fields={"name": INCIDENT_VARIABLE_NAME()})
    try:
        size = len(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(VARIABLE_VALUE_JSON, fields={"value": VARIABLE_VALUE_JSON()}) from exc
    if size > MAX_VALUE_CHARS:
        too_large = VARIABLE_VALUE_TOO_LARGE(size=size, limit=MAX_VALUE_CHARS)
        raise InvalidInput(VARIABLE_VALUE_TOO_LARGE, size=size, limit=MAX_VALUE_CHARS, fields={"value": too_large})
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(REASON_REQUIRED, fields={"reason": VARIABLE_REASON()})
    return reason.strip()


def set_variable(*, session: Session, actor: Actor, incident_id: int, name: str, value: Any,
                 reason: str) -> Incident:
    """Set `name` to `value` where the incident's workflow stands (what runs next reads it)."""
    reason = _checked(name, value, reason)
    require_commander(session, actor, incident_id)

    def change(locked: Locked) -> None:
        if locked.incident.status not in (ACTIVE, FAILED):
            raise Conflict(INCIDENT_NOT_RUNNING, reference=locked.incident.reference, status=locked.incident.status)
        before = locked.runtime.set_variable(name, value)
        audit.record(session=session, actor=actor.username, action="variable_set", incident_id=incident_id,
                     payload={"name": name, "from": before, "to": value, "reason": reason})

    return run_command(session, incident_id, actor, change, must_be_active=False)
