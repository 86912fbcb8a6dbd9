"""Which widget each JSON Schema property gets, and how posted strings come back typed."""

from __future__ import annotations

from starlette.datastructures import FormData

from api.pages.fields import fields_of, parse
from forms import load_schema
from forms.messages import FIELD_INTEGER, FIELD_MAXIMUM

SCHEMA = {
    "type": "object", "required": ["name", "count"],
    "properties": {
        "name": {"type": "string", "maxLength": 80, "title": "Name", "x-title-zh": "名称"},
        "notes": {"type": "string", "maxLength": 2000},
        "free": {"type": "string"},
        "count": {"type": "integer", "minimum": 0, "maximum": 9},
        "ratio": {"type": "number", "minimum": 0.5},
        "grade": {"type": "string", "enum": ["major", "general"], "x-enum-labels": {"major": "Major"},
                  "x-enum-labels-zh": {"major": "重大隐患", "general": "一般隐患"}},
        "ok": {"type": "boolean"},
        "lessons": {"type": "array", "items": {"type": "string"}},
        "on": {"type": "string", "format": "date"},
        "findings": {"type": "array", "items": {"type": "object"}},
    },
}


def test_widgets_follow_the_schema() -> None:
    values = {"count": 3, "ok": False, "lessons": ["a", "b"], "findings": [{"x": 1}]}
    got = {f.name: f for f in fields_of(SCHEMA, values, {"count": FIELD_MAXIMUM(limit=9)}, "zh")}
    assert {n: f.widget for n, f in got.items()} == {
        "name": "text", "notes": "textarea", "free": "textarea", "count": "number", "ratio": "number",
        "grade": "select", "ok": "yesno", "lessons": "lines", "on": "date", "findings": "json"}
    assert got["name"].label == "名称" and got["name"].required and got["name"].attrs == {"maxlength": 80}
    assert got["count"].attrs == {"step": "1", "inputmode": "numeric", "min": 0, "max": 9}
    assert got["count"].value == "3" and got["count"].error == "不能大于 9"
    assert got["ratio"].attrs["step"] == "any" and got["ratio"].attrs["min"] == 0.5
    assert got["grade"].options == [("major", "重大隐患"), ("general", "一般隐患")]
    assert got["ok"].value == "false" and got["lessons"].value == "a\nb"
    assert got["findings"].value.startswith("[")


def test_english_labels_fall_back_to_the_value() -> None:
    grade = next(f for f in fields_of(SCHEMA, {}, {}, "en") if f.name == "grade")
    assert grade.options == [("major", "Major"), ("general", "general")]


def test_posted_strings_become_typed_values() -> None:
    schema = load_schema("after_action_review")
    form = FormData([("csrf_token", "t"), ("why", "Parked cars"), ("lessons", "Keep lanes clear\r\n\r\nDrill")])
    assert parse("after_action_review", schema, form) == {"why": "Parked cars",
                                                          "lessons": ["Keep lanes clear", "Drill"]}
    verification = FormData([("verified", "false"), ("comment", "")])
    assert parse("verification", load_schema("verification"), verification) == {"verified": False}


ROWS = {"type": "array", "maxItems": 3, "title": "Hazards found", "x-title-zh": "发现的隐患",
        "items": {"type": "object", "title": "Hazard", "x-title-zh": "隐患", "required": ["location", "days"],
                  "properties": {"location": {"type": "string", "maxLength": 300},
                                 "grade": {"type": "string", "enum": ["major", "general"]},
                                 "days": {"type": "integer", "minimum": 0}, "urgent": {"type": "boolean"}}}}


def test_a_list_of_objects_becomes_rows() -> None:
    schema = {**SCHEMA, "properties": {"findings": ROWS}}
    values = {"findings": [{"location": "Block 2", "days": "x"}]}
    [rows] = fields_of(schema, values, {"findings.0.days": FIELD_INTEGER()}, "zh")
    assert rows.widget == "rows" and rows.label == "发现的隐患" and rows.item_label == "隐患"
    assert len(rows.rows) == 2  # the item, and a blank row for the next one
    first = {f.name: f for f in rows.rows[0]}
    assert first["findings.0.location"].value == "Block 2" and first["findings.0.days"].error == "必须是整数"
    assert [f.name for f in rows.template][0] == "findings.__i__.location"


def test_rows_are_parsed_into_typed_items() -> None:
    schema = load_schema("after_action_review")
    schema = {**schema, "properties": {**schema["properties"], "findings": ROWS}}
    form = FormData([("why", "x"), ("findings.1.location", "Gate"), ("findings.1.days", "7"),
                     ("findings.1.urgent", "true"), ("findings.0.location", " Block 2 "), ("findings.0.days", "-1.5"),
                     ("findings.2.location", ""), ("findings.2.days", "")])
    assert parse("after_action_review", schema, form)["findings"] == [
        {"location": "Block 2", "days": "-1.5"}, {"location": "Gate", "days": 7, "urgent": True}]


def test_enum_lists_are_checkbox_groups_and_may_be_answered_nothing() -> None:
    schema = load_schema("incident_full_report")
    got = {f.name: f for f in fields_of(schema, {"hazards_present": ["gas_leak"]}, {}, "zh")}
    hazards = got["hazards_present"]
    assert hazards.widget == "checks" and hazards.chosen == ["gas_leak"] and hazards.may_be_empty
    assert ("gas_leak", "燃气泄漏") in hazards.options
    posted = FormData([("hazards_present", "gas_leak"), ("hazards_present", "fire"), ("casualties", "0")])
    assert parse("incident_full_report", schema, posted)["hazards_present"] == ["gas_leak", "fire"]
    nothing = parse("incident_full_report", schema, FormData([("hazards_present.nothing", "true")]))
    assert nothing["hazards_present"] == []
    again = {f.name: f for f in fields_of(schema, nothing, {}, "en")}["hazards_present"]
    assert again.nothing and again.chosen == []


def test_a_screening_that_found_nothing_is_an_answer() -> None:
    schema = load_schema("house_screening")
    blank = FormData([("house_findings.0.location", ""), ("house_findings.nothing", "true")])
    assert parse("house_screening", schema, blank)["house_findings"] == []
    listed = FormData([("house_findings.0.location", "Building 2"), ("house_findings.nothing", "true")])
    assert parse("house_screening", schema, listed)["house_findings"] == [{"location": "Building 2"}]


def test_a_person_is_chosen_from_seat_holders() -> None:
    schema = load_schema("commander_appointment")
    [person] = [f for f in fields_of(schema, {}, {}, "zh") if f.name == "commander_username"]
    assert person.widget == "person" and "district_commander" in person.seats
