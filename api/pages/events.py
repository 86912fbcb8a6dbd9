"""Audit events in words, for the timeline and the ICS-214 activity log: one message code per action.

The values come from the event's stored payload; a value the template names but the payload lacks
shows as "—", and seats, phases and rulings are shown by their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.pages.i18n import Translator
from forms.i18n import label
from forms.messages import Template, code

EVENTS: dict[str, Template] = {
    "incident_started": code("event.incident_started", "Incident reported: {title}"),
    "task_completed": code("event.task_completed", "Completed '{task}' as {role}"),
    "task_claimed": code("event.task_claimed", "Claimed '{task}'"),
    "task_released": code("event.task_released", "Released '{task}'"),
    "task_reassigned": code("event.task_reassigned", "Reassigned '{task}' to {to}"),
    "phase_changed": code("event.phase_changed", "Phase {from} → {to}"),
    "response_level_changed": code("event.response_level_changed", "Response level {from} → {to}"),
    "decision_recorded": code("event.decision_recorded", "On-scene decision: {choice}"),
    "decision_flagged": code("event.decision_flagged", "Decision #{decision_id} flagged for review: {reason}"),
    "fault_tolerance_ruling": code("event.fault_tolerance_ruling", "Ruling on decision #{decision_id}: {ruling}"),
    "message_received": code("event.message_received", "Message '{name}'"),
    "seat_granted": code("event.seat_granted", "{username} seated as {role}"),
    "seat_removed": code("event.seat_removed", "{username} removed from {role}"),
    "commander_seated": code("event.commander_seated", "{username} takes command ({seat})"),
    "timers_fired": code("event.timers_fired", "Timer fired"),
    "incident_closed": code("event.incident_closed", "Incident closed: {reason}"),
    "incident_cancelled": code("event.incident_cancelled", "Incident cancelled: {reason}"),
    "improvement_action_recorded": code("event.improvement_action_recorded",
                                        "Improvement action: {title} (owner {owner_seat}, due {due_at})"),
    "hazards_registered": code("event.hazards_registered", "Hazards registered"),
    "hazard_updated": code("event.hazard_updated", "Hazard #{hazard_id}: {from} → {to}"),
    "plan_published": code("event.plan_published", "Plan version {version} published for {unit}"),
    "attachment_added": code("event.attachment_added", "Attached '{filename}' to '{task}' (SHA-256 {sha256})"),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def describe_event(action: str, payload: Mapping[str, Any], lang: str,
                   titles: Mapping[str, str] | None = None) -> str:
    """One line for the timeline and the ICS-214 activity log; `titles` names tasks by element id."""
    template = EVENTS.get(action)
    if template is None:
        return action.replace("_", " ")
    _ = Translator(lang)
    values = _Blank({k: v for k, v in payload.items() if isinstance(v, str | int | float) and not isinstance(v, bool)})
    if titles and isinstance(payload.get("task"), str) and payload["task"] in titles:
        values["task"] = titles[payload["task"]]
    if action == "phase_changed":
        values["from"] = label("phase", payload.get("from"), lang)
        values["to"] = label("phase", payload.get("to"), lang)
    if action == "task_completed" or action == "seat_granted":
        values["role"] = label("role", payload.get("role"), lang)
    if isinstance(payload.get("reason"), str):
        values["reason"] = _.stored(payload["reason"])
    if action == "fault_tolerance_ruling":
        values["ruling"] = label("ruling", payload.get("ruling"), lang)
    if action == "timers_fired":
        names = ", ".join(str(t.get("name")) for t in payload.get("timers", []) if isinstance(t, Mapping))
        return _.template(template) + (f": {names}" if names else "")
    return _.template(template).format_map(values)
