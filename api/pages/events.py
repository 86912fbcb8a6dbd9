"""Audit events in words, for the timeline and the ICS-214 activity log: one message code per action.

The values come from the event's stored payload; a value the template names but the payload lacks
shows as "—", and seats, phases and rulings are shown by their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from api.pages.i18n import Translator
from engine.models import ProcessDefinition
from engine.workflow import model_names
from forms.i18n import label
from forms.messages import Template, code

EVENTS: dict[str, Template] = {
    "incident_started": code("event.incident_started", "Incident reported: {title}"),
    "task_completed": code("event.task_completed", "Completed '{task}' as {role}"),
    "task_claimed": code("event.task_claimed", "Claimed '{task}'"),
    "task_released": code("event.task_released", "Released '{task}'"),
    "task_reassigned": code("event.task_reassigned", "Reassigned '{task}' to {to}"),
    "task_escalated_up": code("event.task_escalated_up", "Sent '{task}' up from {role} to {seat}"),
    "volunteer_registered": code("event.volunteer_registered", "Volunteer register: {name} added"),
    "volunteer_deployed": code("event.volunteer_deployed", "Second echelon: {name} sent out for '{need}'"),
    "volunteer_stood_down": code("event.volunteer_stood_down", "Second echelon: {name} stood down"),
    "resource_reserved": code("event.resource_reserved", "Reserved {quantity} {measure} of '{name}' (register "
                              "no. {resource_id}) for this incident; {available} left to others"),
    "resource_drawn": code("event.resource_drawn", "Drew {quantity} {measure} of '{name}' (register no. "
                           "{resource_id}), {from_reserved} of it reserved; {available} left to others"),
    "resource_released": code("event.resource_released", "Released {quantity} {measure} of '{name}' (register no. "
                              "{resource_id}) back to the register; {available} available"),
    "resource_restocked": code("event.resource_restocked", "Restocked '{name}' (register no. {resource_id}) with "
                               "{quantity}; {available} available"),
    "phase_changed": code("event.phase_changed", "Phase {from} → {to}"),
    "response_level_changed": code("event.response_level_changed", "Response level {from} → {to}"),
    "decision_recorded": code("event.decision_recorded", "On-scene decision: {choice}"),
    "decision_flagged": code("event.decision_flagged", "Decision #{decision_id} flagged for review: {reason}"),
    "ruling_proposed": code("event.ruling_proposed", "Proposed ruling on decision #{decision_id}: {proposed_ruling}"),
    "incident_failed": code("event.incident_failed", "Incident stopped by an error: {error}"),
    "timer_failed": code("event.timer_failed", "A timer's next step failed at {element} (attempt {attempts}): {error}; "
                         "retried at {next_attempt_at}"),
    "incident_retried": code("event.incident_retried", "Retried after a fix: {reason}"),
    "failure_resolved": code("event.failure_resolved", "Running again: {element} went through after {attempts} "
                             "failed attempt(s)"),
    "variable_set": code("event.variable_set", "Variable {name} set to {to}: {reason}"),
    "incident_migrated": code("event.incident_migrated", "Moved from version {from_version} to {to_version} of "
                              "its process"),
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
    "improvement_action_submitted": code("event.improvement_action_submitted",
                                         "Improvement action carried out, evidence submitted: {title}"),
    "improvement_action_verified": code("event.improvement_action_verified", "Improvement action verified: {title}"),
    "improvement_action_sent_back": code("event.improvement_action_sent_back",
                                         "Improvement action sent back to its owner: {title}"),
    "improvement_action_escalated": code("event.improvement_action_escalated",
                                         "Improvement action overdue (due {due_at}), escalated: {title}"),
    "schedule_fired": code("event.schedule_fired", "Started by the calendar: {title} (deadline {due_at})"),
    "hazards_registered": code("event.hazards_registered", "Hazards registered"),
    "hazard_updated": code("event.hazard_updated", "Hazard #{hazard_id}: {from} → {to}"),
    "plan_published": code("event.plan_published", "Plan version {version} published for {unit}"),
    "warning_received": code("event.warning_received", "Warning received from {issuer}: {level}, {headline}"),
    "warning_changed": code("event.warning_changed", "Warning {change}: {from} → {to} ({reason})"),
    "attachment_added": code("event.attachment_added", "Attached '{filename}' to '{task}' (SHA-256 {sha256})"),
}


@dataclass(frozen=True)
class ModelWords:
    """A model's names in the reader's language, as the timeline needs them: elements (tasks,
    timers) by element id, messages by their name."""

    elements: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)


def model_words(definition: ProcessDefinition, lang: str) -> ModelWords:
    """The task titles of a definition's summary; on a Chinese page, the model's `name_zh` names."""
    elements = {str(t.get("spec_name")): str(t.get("title")) for t in (definition.summary or {}).get("user_tasks", [])
                if isinstance(t, dict) and t.get("spec_name") and t.get("title")}
    if lang != "zh":
        return ModelWords(elements)
    names = model_names(definition.files)
    return ModelWords({**elements, **names.by_id}, names.messages)


def _timer_name(timer: Mapping[str, Any], lang: str, words: ModelWords) -> str:
    if lang == "zh":
        found = timer.get("name_zh") or words.elements.get(str(timer.get("element")))
        if found:
            return str(found)
    return str(timer.get("name"))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def describe_event(action: str, payload: Mapping[str, Any], lang: str, words: ModelWords | None = None) -> str:
    """One line for the timeline and the ICS-214 activity log; `words` names the model's elements."""
    template = EVENTS.get(action)
    if template is None:
        return action.replace("_", " ")
    _ = Translator(lang)
    words = words or ModelWords()
    values = _Blank({k: v for k, v in payload.items() if isinstance(v, str | int | float) and not isinstance(v, bool)})
    if isinstance(payload.get("task"), str) and payload["task"] in words.elements:
        values["task"] = words.elements[payload["task"]]
    if lang == "zh" and isinstance(payload.get("task_zh"), str):
        values["task"] = payload["task_zh"]
    if action == "message_received" and isinstance(payload.get("name"), str):
        values["name"] = words.messages.get(payload["name"], payload["name"])
    if action == "phase_changed":
        values["from"] = label("phase", payload.get("from"), lang)
        values["to"] = label("phase", payload.get("to"), lang)
    for key in ("role", "seat", "owner_seat"):  # seats by their names, never their codes
        if isinstance(payload.get(key), str):
            values[key] = label("role", payload[key], lang)
    if isinstance(payload.get("proposed_ruling"), str):
        values["proposed_ruling"] = label("ruling", payload["proposed_ruling"], lang)
    if isinstance(payload.get("title"), str):
        values["title"] = _.stored(payload["title"])
    if isinstance(payload.get("reason"), str):
        values["reason"] = _.stored(payload["reason"])
    if action in ("warning_received", "warning_changed"):
        for key in ("level", "from", "to"):
            if isinstance(payload.get(key), str):
                values[key] = label("warning_level", payload[key], lang)
        values["change"] = label("warning_change", payload.get("change"), lang)
    if action == "fault_tolerance_ruling":
        values["ruling"] = label("ruling", payload.get("ruling"), lang)
    if action == "timers_fired":
        names = "、".join(_timer_name(t, lang, words) for t in payload.get("timers", []) if isinstance(t, Mapping))
        names = names if lang == "zh" else names.replace("、", ", ")
        return _.template(template) + (("：" if lang == "zh" else ": ") + names if names else "")
    return _.template(template).format_map(values)
