"""The form layer, through its public functions only."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import forms
from forms import (
    SCHEMA_DIR,
    FormNotFound,
    available_form_keys,
    coerce,
    load_schema,
    validate,
)
from tests.library_helpers import FORM_SAMPLES

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
CJK = re.compile(r"[\u4e00-\u9fff]")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")

# One good payload per form. Adding a schema without a sample fails test_every_form_has_a_sample.
SAMPLES: dict[str, dict[str, Any]] = {
    "incident_report": {
        "category": "natural_disaster",
        "location": "Block 3, Heping Road",
        "deaths": 0,
        "seriously_injured": 2,
        "missing": 0,
        "people_affected": 350,
        "trapped": 4,
        "relocated": 40,
        "economic_loss": 12.5,
        "description": "Waterlogging after a rainstorm; basement garages flooded.",
    },
    "escalation_report": {"summary": "Level II flood, 12 injured", "reported_to": "district"},
    "activate_response": {
        "confirmed_level": "II",
        "command_post": "Community service station",
        "notes": "Second echelon of volunteers on standby.",
    },
    "department_report": {
        "status": "partial",
        "actions_taken": "Pumped two garages; searched building 5.",
        "resources_used": "2 pump trucks, 14 firefighters",
        "people_rescued": 6,
    },
    "escalation_ack": {"action": "reinforce", "note": "Second team sent from the street."},
    "after_action_review": {
        "what_was_planned": "Evacuate the basement within 20 minutes.",
        "what_happened": "Evacuation took 45 minutes.",
        "why": "The residents list of the compound was out of date.",
        "what_to_change": "Refresh the list monthly; assign a building lead.",
        "lessons": ["Keep the residents list current", "Drill the basement route"],
    },
    "damage_statistics": {"houses_damaged": 17, "direct_loss": 230.5, "people_resettled": 41},
    "verification": {"verified": True, "comment": "Checked against the grid register."},
    "relief_distribution": {"households_served": 23, "relief_cost": 18},
    # the process library's forms (bpmn/incident_lifecycle.bpmn and the others)
    **{k: v for k, v in FORM_SAMPLES.items() if k not in ("damage_statistics", "verification", "relief_distribution")},
}


def _properties(form_key: str) -> dict[str, dict[str, Any]]:
    return load_schema(form_key)["properties"]


# --- the schemas themselves -------------------------------------------------------------------


def test_the_schema_folder_holds_the_forms() -> None:
    keys = available_form_keys()
    assert isinstance(keys, frozenset)
    assert keys == {p.stem for p in SCHEMA_DIR.glob("*.json")}
    assert {"incident_report", "department_report", "after_action_review"} <= keys
    assert all(SNAKE.fullmatch(key) for key in keys)


def test_every_form_has_a_sample() -> None:
    assert set(SAMPLES) == set(available_form_keys())


@pytest.mark.parametrize("form_key", sorted(available_form_keys()))
def test_schema_is_valid_2020_12(form_key: str) -> None:
    schema = load_schema(form_key)
    assert schema["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"], "a form asks for at least one answer"
    assert set(schema["required"]) <= set(schema["properties"])


@pytest.mark.parametrize("form_key", sorted(available_form_keys()))
def test_schema_is_bilingual(form_key: str) -> None:
    schema = load_schema(form_key)
    _assert_titles(schema, form_key)
    _assert_bilingual_properties(schema["properties"], form_key)


def _assert_bilingual_properties(properties: dict[str, Any], where: str) -> None:
    for name, prop in properties.items():
        assert SNAKE.fullmatch(name), name
        _assert_titles(prop, f"{where}.{name}")
        for node in (prop, prop.get("items") or {}):
            if "enum" in node:
                values = set(node["enum"])
                assert set(node["x-enum-labels"]) == values, name
                assert set(node["x-enum-labels-zh"]) == values, name
                assert all(CJK.search(label) for label in node["x-enum-labels-zh"].values()), name
                assert all(label.isascii() for label in node["x-enum-labels"].values()), name
        if prop.get("items", {}).get("type") == "object":  # a list of records, e.g. hazards found
            _assert_titles(prop["items"], f"{where}.{name}[]")
            _assert_bilingual_properties(prop["items"]["properties"], f"{where}.{name}[]")


def _assert_titles(node: dict[str, Any], where: str) -> None:
    assert isinstance(node.get("title"), str) and node["title"].strip(), where
    assert node["title"].isascii(), f"{where}: title is the English one"
    assert isinstance(node.get("x-title-zh"), str), where
    assert CJK.search(node["x-title-zh"]), f"{where}: x-title-zh is Chinese"


@pytest.mark.parametrize("form_key", sorted(available_form_keys()))
def test_schema_has_bounds(form_key: str) -> None:
    _assert_bounded(_properties(form_key))


def _assert_bounded(properties: dict[str, dict[str, Any]]) -> None:
    for name, prop in properties.items():
        kind = prop["type"]
        if kind in ("integer", "number"):
            assert "minimum" in prop and "maximum" in prop, name
        elif kind == "string":
            assert "maxLength" in prop or "enum" in prop, name
        elif kind == "array":
            assert "maxItems" in prop, name
            items = prop["items"]
            if items["type"] == "object":  # records: closed, with bounded fields of their own
                assert items["additionalProperties"] is False, name
                assert set(items["required"]) <= set(items["properties"]), name
                _assert_bounded(items["properties"])
            else:
                assert items["type"] == "string" and "maxLength" in items, name
        else:
            assert kind == "boolean", f"{name}: unexpected type {kind}"


def test_incident_report_matches_the_grading_inputs() -> None:
    schema = load_schema("incident_report")
    # The grading decision table reads these, each on its own count, so they can never be missing.
    assert {"deaths", "seriously_injured", "missing", "trapped", "relocated", "economic_loss"} <= set(
        schema["required"])
    category = schema["properties"]["category"]
    assert category["x-enum-labels-zh"] == {
        "natural_disaster": "自然灾害",
        "accident_disaster": "事故灾难",
        "public_health": "公共卫生事件",
        "social_security": "社会安全事件",
    }


def test_load_schema_returns_a_copy() -> None:
    load_schema("verification")["properties"].clear()
    assert "verified" in load_schema("verification")["properties"]
    assert validate("verification", {"verified": "yes"}) == {"verified": "must be true or false"}


def test_public_surface() -> None:
    assert set(forms.__all__) == {
        "CONFIRMATION_FORM",
        "SCHEMA_DIR",
        "FormNotFound",
        "available_form_keys",
        "coerce",
        "resource_field",
        "load_schema",
        "task_schema",
        "validate",
    }
    assert issubclass(FormNotFound, KeyError)


def test_a_task_whose_form_is_missing_takes_no_data() -> None:
    """The one fallback schema: the task page and the API's task detail both show it."""
    assert forms.task_schema("incident_report") == load_schema("incident_report")
    assert forms.task_schema("no_such_form") == {"type": "object", "properties": {}, "additionalProperties": False}


# --- validate() -------------------------------------------------------------------------------


@pytest.mark.parametrize("form_key", sorted(SAMPLES))
def test_good_sample_is_valid(form_key: str) -> None:
    assert validate(form_key, SAMPLES[form_key]) == {}


@pytest.mark.parametrize("form_key", sorted(available_form_keys()))
def test_empty_payload_names_every_required_field(form_key: str) -> None:
    required = load_schema(form_key)["required"]
    assert validate(form_key, {}) == {name: "this field is required" for name in required}


def test_missing_required_field() -> None:
    data = dict(SAMPLES["incident_report"])
    del data["deaths"]
    assert validate("incident_report", data) == {"deaths": "this field is required"}


def test_optional_fields_may_be_left_out() -> None:
    data = {
        k: v for k, v in SAMPLES["incident_report"].items() if k not in ("people_affected", "description")
    }
    assert validate("incident_report", data) == {}


def test_wrong_types() -> None:
    data = dict(SAMPLES["incident_report"])
    data.update(deaths="3", people_affected=2.5, trapped=True, location=7, economic_loss="x")
    errors = validate("incident_report", data)
    assert set(errors) == {"deaths", "people_affected", "trapped", "location", "economic_loss"}
    assert errors["deaths"] == "must be a whole number"
    assert errors["location"] == "must be text"
    assert errors["economic_loss"] == "must be a number"
    assert validate("verification", {"verified": "true"}) == {"verified": "must be true or false"}


def test_out_of_bounds() -> None:
    data = dict(SAMPLES["incident_report"])
    data.update(deaths=-1, economic_loss=-0.5, description="x" * 2001)
    assert validate("incident_report", data) == {
        "deaths": "must be at least 0",
        "economic_loss": "must be at least 0",
        "description": "must be at most 2000 characters",
    }
    too_many = dict(SAMPLES["after_action_review"], lessons=["a lesson"] * 51)
    assert validate("after_action_review", too_many) == {"lessons": "must have at most 50 items"}


def test_empty_required_text_is_refused() -> None:
    data = dict(SAMPLES["activate_response"], command_post="")
    assert validate("activate_response", data) == {"command_post": "must not be empty"}


def test_not_in_enum() -> None:
    data = dict(SAMPLES["activate_response"], confirmed_level="V")
    errors = validate("activate_response", data)
    assert list(errors) == ["confirmed_level"]
    assert errors["confirmed_level"] == "must be one of: I particularly serious, II serious, III relatively serious, " \
                                       "IV general"  # the choices by their labels, not their codes


def test_unknown_extra_fields_are_named() -> None:
    data = dict(SAMPLES["department_report"], colour="red", people_saved=3)
    assert validate("department_report", data) == {
        "colour": "unknown field",
        "people_saved": "unknown field",
    }


def test_every_error_is_reported_at_once() -> None:
    data = {"status": "finished", "people_rescued": -2, "extra": 1}
    assert validate("department_report", data) == {
        "status": "must be one of: Done, Partly done, Blocked",
        "people_rescued": "must be at least 0",
        "actions_taken": "this field is required",
        "extra": "unknown field",
    }


def test_nested_array_item_path() -> None:
    data = dict(SAMPLES["after_action_review"], lessons=["fine", 42, "", "y" * 501])
    assert validate("after_action_review", data) == {
        "lessons.1": "must be text",
        "lessons.2": "must not be empty",
        "lessons.3": "must be at most 500 characters",
    }


@pytest.mark.parametrize("payload", [None, [], ["deaths"], "text", 3, True])
def test_non_object_payload(payload: object) -> None:
    assert validate("incident_report", payload) == {"": "must be an object"}


# --- form keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form_key",
    [
        "no_such_form",
        "../pyproject",
        "..",
        "schemas/incident_report",
        "incident_report.json",
        "/etc/passwd",
        "Incident_Report",
        "incident-report",
        "incident_report ",
        "",
        "_private",
    ],
)
def test_unknown_or_unsafe_form_keys_are_refused(form_key: str) -> None:
    with pytest.raises(KeyError):
        load_schema(form_key)
    with pytest.raises(FormNotFound):
        validate(form_key, {})
    with pytest.raises(FormNotFound):
        coerce(form_key, {})


def test_form_not_found_says_which() -> None:
    with pytest.raises(FormNotFound) as caught:
        load_schema("../secrets")
    assert "../secrets" in str(caught.value)


# --- coerce() ---------------------------------------------------------------------------------


def test_coerce_types_follow_the_schema() -> None:
    raw = {
        "category": "public_health",
        "location": "  Building 5  ",
        "deaths": "3",
        "seriously_injured": "0",
        "missing": " 1 ",
        "relocated": "20",
        "people_affected": " 1200 ",
        "trapped": "0",
        "economic_loss": "12.5",
        "description": "line one\r\nline two",
    }
    assert coerce("incident_report", raw) == {
        "category": "public_health",
        "location": "Building 5",
        "deaths": 3,
        "seriously_injured": 0,
        "missing": 1,
        "relocated": 20,
        "people_affected": 1200,
        "trapped": 0,
        "economic_loss": 12.5,
        "description": "line one\nline two",
    }
    assert validate("incident_report", coerce("incident_report", raw)) == {}


def test_coerce_whole_numbers_for_number_fields() -> None:
    assert coerce("relief_distribution", {"relief_cost": "18", "households_served": "4"}) == {
        "relief_cost": 18,
        "households_served": 4,
    }
    assert coerce("damage_statistics", {"direct_loss": "1e3"}) == {"direct_loss": 1000.0}


def test_coerce_drops_empty_strings() -> None:
    raw = {"category": "natural_disaster", "trapped": "", "description": "   "}
    assert coerce("incident_report", raw) == {"category": "natural_disaster"}


def test_coerce_keeps_what_it_cannot_convert() -> None:
    raw = {
        "deaths": "three",
        "people_affected": "1.5",
        "economic_loss": "nan",
        "trapped": "inf",
    }
    converted = coerce("incident_report", raw)
    assert converted == raw
    errors = validate("incident_report", converted)
    assert errors["deaths"] == "must be a whole number"
    assert errors["people_affected"] == "must be a whole number"
    assert errors["economic_loss"] == "must be a number"


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("true", True),
        ("on", True),
        ("1", True),
        ("YES", True),
        ("false", False),
        ("off", False),
        ("0", False),
        (["false"], False),
        (["false", "true"], True),  # hidden "false" followed by a ticked checkbox
        ("maybe", "maybe"),
    ],
)
def test_coerce_booleans(posted: str | list[str], expected: object) -> None:
    assert coerce("verification", {"verified": posted}) == {"verified": expected}


def test_coerce_unticked_checkbox_is_missing() -> None:
    assert coerce("verification", {"comment": "ok"}) == {"comment": "ok"}
    assert validate("verification", {"comment": "ok"}) == {"verified": "this field is required"}


def test_coerce_arrays_of_strings() -> None:
    assert coerce("after_action_review", {"lessons": ["one", "", " two "]}) == {
        "lessons": ["one", "two"]
    }
    assert coerce("after_action_review", {"lessons": "one\r\n\r\ntwo\n"}) == {
        "lessons": ["one", "two"]
    }
    assert coerce("after_action_review", {"lessons": ["", "  "]}) == {}


def test_coerce_repeated_scalar_takes_the_last_value() -> None:
    assert coerce("department_report", {"people_rescued": ["2", "5"]}) == {"people_rescued": 5}
    assert coerce("department_report", {"people_rescued": ["", ""]}) == {}


def test_coerce_keeps_unknown_fields_for_validate_to_report() -> None:
    converted = coerce("escalation_ack", {"action": "reinforce", "csrf": "abc"})
    assert converted == {"action": "reinforce", "csrf": "abc"}
    assert validate("escalation_ack", converted) == {"csrf": "unknown field"}


def test_coerce_then_validate_every_sample_round_trip() -> None:
    for form_key, sample in SAMPLES.items():
        posted: dict[str, str | list[str]] = {}
        for name, value in sample.items():
            if isinstance(value, list):
                posted[name] = [str(v) for v in value]
            elif isinstance(value, bool):
                posted[name] = "true" if value else "false"
            else:
                posted[name] = str(value)
        # Lists of records (and empty lists) come as JSON: an HTML form cannot post them.
        expected = {k: v for k, v in sample.items() if not _json_only(v)}
        assert coerce(form_key, {k: v for k, v in posted.items() if k in expected}) == expected, form_key


def _json_only(value: object) -> bool:
    return isinstance(value, list) and (not value or any(isinstance(item, dict) for item in value))


def test_forms_import_neither_engine_nor_api() -> None:
    for path in SCHEMA_DIR.parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in ("engine", "api"), f"{path.name} imports {name}"


def test_every_form_has_a_valid_sample() -> None:
    from forms.samples import SAMPLES

    assert set(SAMPLES) == set(available_form_keys())
    for form_key, sample in SAMPLES.items():
        assert validate(form_key, sample) == {}, form_key
