"""Who works on a human task, and with which form — checked at deploy. Human tasks are what
SpiffWorkflow waits on a person for: user tasks, manual tasks and plain (abstract) tasks.

A user task's seat comes from Camunda's ``camunda:candidateGroups`` attribute, a SpiffWorkflow
extension property ``candidateGroups``, or BPMN's ``potentialOwner`` (its formal expression), and
otherwise from its lane (the lanes of a called process are its own); a seat is a role key in
snake_case. Our seats are single: of several candidate groups the first is the seat, with a warning.
A task with neither a seat nor a lane cannot be deployed. `seats_of` gives the seats that are not
lanes, which `specs` writes into the task specs SpiffWorkflow builds, so the runtime sees them as it
sees lanes.

A user task's form is its ``formKey`` extension property, a form of the bundle or of the built-in
library; a task without one gets the built-in confirmation form (done + comment) and a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from engine.workflow.spec_docs import CONTAINERS, NS, Doc, Problems, local, properties, spiff_extensions
from engine.workflow.spec_expressions import refusal
from engine.workflow.spec_messages import (
    CANDIDATE_GROUP_NOT_ROLE,
    LANE_NOT_ROLE,
    SUBJECT_REFUSED,
    USER_TASK_CONFIRMATION,
    USER_TASK_FIRST_GROUP,
    USER_TASK_UNKNOWN_FORM,
    USER_TASK_WITHOUT_SEAT,
)
from forms import CONFIRMATION_FORM

__all__ = ["check_seats_and_forms", "seats_of"]

ROLE_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
CAMUNDA_GROUPS = "{http://camunda.org/schema/1.0/bpmn}candidateGroups"
HUMAN_TASKS = "//bpmn:userTask | //bpmn:manualTask | //bpmn:task"
_OWNER = "bpmn:potentialOwner/bpmn:resourceAssignmentExpression/bpmn:formalExpression"


def candidate_groups(doc: Doc, task: etree._Element, problems: Problems) -> list[str]:
    """The groups a task names itself (Camunda attribute, Spiff property, potentialOwner), in order."""
    texts = [task.get(CAMUNDA_GROUPS), properties(spiff_extensions(doc, task, problems)).get("candidateGroups"),
             *(owner.text for owner in task.xpath(_OWNER, namespaces=NS))]
    return [group.strip() for text in texts if text for group in text.split(",") if group.strip()]


def seats_of(docs: list[Doc]) -> dict[tuple[str, str], str]:
    """(file, task id) -> the seat named by the task itself, for the tasks that name one."""
    ignored = Problems()
    return {(doc.name, str(task.get("id"))): groups[0] for doc in docs if doc.kind == "bpmn"
            for task in doc.xpath(HUMAN_TASKS) if (groups := candidate_groups(doc, task, ignored))}


def _lane_of(element: etree._Element, lanes: Mapping[str, str | None]) -> str | None:
    """The lane SpiffWorkflow will give `element`: an enclosing subprocess's lane wins
    (outermost first, see NodeParser/SubprocessParser), else the element's own lane."""
    containers = [a for a in element.iterancestors() if local(a) in CONTAINERS[1:]]
    for container in reversed(containers):
        lane = lanes.get(container.get("id"))
        if lane is not None:
            return lane
    return lanes.get(element.get("id"))


def check_seats_and_forms(doc: Doc, known_form_keys: set[str] | None, problems: Problems) -> None:
    lanes = {ref.text: ref.getparent().get("name") for ref in doc.xpath("//bpmn:flowNodeRef")}
    for lane in doc.xpath("//bpmn:lane"):
        name = lane.get("name")
        if not name or not ROLE_KEY.fullmatch(name):
            problems.add(doc.name, lane.get("id"), LANE_NOT_ROLE(name=name or ""))
    for task in doc.xpath(HUMAN_TASKS):
        task_id = task.get("id")
        groups = candidate_groups(doc, task, problems)
        for group in groups[:1]:
            if not ROLE_KEY.fullmatch(group):
                problems.add(doc.name, task_id, CANDIDATE_GROUP_NOT_ROLE(group=group))
        if len(groups) > 1:
            problems.warn(doc.name, task_id, USER_TASK_FIRST_GROUP(groups=", ".join(groups), seat=groups[0]))
        if not groups and not _lane_of(task, lanes):
            problems.add(doc.name, task_id, USER_TASK_WITHOUT_SEAT())
        extensions = properties(spiff_extensions(doc, task, problems))
        form_key = extensions.get("formKey")
        if not form_key:
            problems.warn(doc.name, task_id, USER_TASK_CONFIRMATION(form_key=CONFIRMATION_FORM))
        elif known_form_keys is not None and form_key not in known_form_keys:
            problems.add(doc.name, task_id, USER_TASK_UNKNOWN_FORM(form_key=form_key))
        subject = extensions.get("subject")
        refused = refusal(subject) if subject else None
        if refused:
            problems.add(doc.name, task_id, SUBJECT_REFUSED(subject=subject, reason=refused))
