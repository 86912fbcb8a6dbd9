"""Message codes (forms.messages): English text that keeps its code, and errors that carry one."""

from __future__ import annotations

import copy
import pickle

import pytest

from engine.errors import Conflict, InvalidInput
from engine.messages import TASK_DATA_NOT_VALID, TASK_NOT_READY
from forms import validate
from forms.messages import FIELD_REQUIRED, Message, Template, code


def test_a_message_is_its_english_text_and_remembers_its_code() -> None:
    said = TASK_NOT_READY(task="Report")
    assert said == "task 'Report' is no longer ready" and isinstance(said, str)
    assert (said.code, said.template, said.params) == ("task.not_ready", "task '{task}' is no longer ready",
                                                       {"task": "Report"})
    for twin in (copy.deepcopy(said), pickle.loads(pickle.dumps(said))):
        assert isinstance(twin, Message) and twin == said and twin.code == said.code and twin.params == said.params


def test_a_template_takes_exactly_its_names() -> None:
    with pytest.raises(TypeError, match="task.not_ready"):
        TASK_NOT_READY()
    with pytest.raises(TypeError, match="task.not_ready"):
        TASK_NOT_READY(task="Report", extra=1)


def test_a_code_is_defined_once() -> None:
    assert code("task.not_ready", TASK_NOT_READY.english) is not None  # the same definition again is harmless
    with pytest.raises(ValueError, match="defined twice"):
        code("task.not_ready", "a different English text")


def test_errors_and_field_messages_carry_codes() -> None:
    refused = Conflict(TASK_NOT_READY, task="Report")
    assert str(refused) == "task 'Report' is no longer ready" and refused.message.code == "task.not_ready"
    errors = validate("verification", {})
    assert errors == {"verified": "this field is required"} and errors["verified"].code == FIELD_REQUIRED.code
    invalid = InvalidInput(TASK_DATA_NOT_VALID, task="Verify", fields=errors)
    assert invalid.fields["verified"].code == "field.required"
    assert isinstance(TASK_NOT_READY, Template) and invalid.to_dict()["message"] == "the data for 'Verify' is not valid"
