"""The one grading table (bpmn/grade_severity.dmn) and who leads (bpmn/response_command.dmn), walked
through real incidents on both databases: every criterion at and just below each class's threshold,
each on its own count; the leading tier's seat appoints the on-scene commander; and no second
grading table may appear in the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from tests.library_helpers import FORM_SAMPLES, Library

ROOT = Path(__file__).resolve().parents[1]
#: A report below every threshold: the community's own event.
QUIET = {**FORM_SAMPLES["incident_full_report"], "deaths": 0, "seriously_injured": 0, "missing": 0, "trapped": 0,
         "relocated": 0, "economic_loss": 0}
#: criterion -> its thresholds for I, II, III, IV (the national ones; the 一般 floors are local rules).
THRESHOLDS = {
    "deaths": (30, 10, 3, 1),
    "missing": (30, 10, 3, 1),
    "seriously_injured": (100, 50, 10, 1),
    "trapped": (100, 50, 10, 3),
    "relocated": (1000, 500, 100, 10),
    "economic_loss": (10000, 5000, 1000, 100),
}
CLASSES = ("I", "II", "III", "IV", "minor")
#: severity -> (response level, the seat that appoints and holds command, a holder of it)
COMMAND = {
    "I": ("I", "province_commander", "yan.province"), "II": ("II", "province_commander", "yan.province"),
    "III": ("III", "city_commander", "qin.city"), "IV": ("IV", "district_commander", "chen.district"),
    "minor": ("IV", "community_commander", "li.community"),
}


@pytest.fixture
def library(db: Database, clock: ManualClock) -> Library:
    return Library(db, clock)


def _graded(library: Library, **counts: float) -> tuple[str | None, str]:
    """Report an incident with `counts`; its response level and the seat asked to appoint command."""
    incident_id = library.start("incident_lifecycle")
    library.complete(incident_id, "record_report", {**QUIET, **counts})
    return library.incident(incident_id).response_level, library.task(incident_id, "appoint_commander").role


@pytest.mark.parametrize("criterion", sorted(THRESHOLDS))
def test_each_criterion_grades_at_its_threshold_and_one_below(library: Library, criterion: str) -> None:
    for index, threshold in enumerate(THRESHOLDS[criterion]):
        at, below = CLASSES[index], CLASSES[index + 1]
        assert _graded(library, **{criterion: threshold}) == COMMAND[at][:2], (criterion, threshold)
        assert _graded(library, **{criterion: threshold - 1}) == COMMAND[below][:2], (criterion, threshold - 1)


def test_the_most_severe_criterion_decides_and_counts_are_never_added(library: Library) -> None:
    # 2 dead and 9 seriously injured: each is 一般 on its own count, and 11 "casualties" would be 重大
    assert _graded(library, deaths=2, seriously_injured=9) == ("IV", "district_commander")
    assert _graded(library, deaths=1, trapped=12, economic_loss=5000) == ("II", "province_commander")
    # three people with minor injuries and nobody dead: the community's to handle
    assert _graded(library, economic_loss=3) == ("IV", "community_commander")


@pytest.mark.parametrize("severity", CLASSES)
def test_the_leading_tier_appoints_a_commander_holding_its_seat(library: Library, severity: str) -> None:
    level, seat, holder = COMMAND[severity]
    counts = {"deaths": THRESHOLDS["deaths"][CLASSES.index(severity)]} if severity != "minor" else {}
    incident_id = library.start("incident_lifecycle")
    library.complete(incident_id, "record_report", {**QUIET, **counts})
    assert library.incident(incident_id).response_level == level
    with pytest.raises(Forbidden):  # the duty officer who reported cannot appoint command
        library.complete(incident_id, "appoint_commander", as_user="wang.duty", commander_username=holder)
    if severity != "minor":  # nor can a commander of a lower tier take it
        with pytest.raises(InvalidInput):
            library.complete(incident_id, "appoint_commander", as_user=holder, commander_username="li.community")
    library.complete(incident_id, "appoint_commander", as_user=holder, commander_username=holder)
    assert library.commander(incident_id) == holder
    assert library.audit(incident_id, "commander_seated") == [{"username": holder, "seat": seat}]


def _decisions_reading_counts() -> dict[str, list[str]]:
    """Every DMN decision in the repository that grades: one whose inputs read a casualty, loss or
    people count, or that outputs a severity or response level (test fixtures of deploy
    validation aside: they exercise the validator, no model or page reads them)."""
    counts = {*THRESHOLDS, "casualties", "people_affected", "injured"}
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.dmn")):
        if {".venv", "fixtures"} & set(path.relative_to(ROOT).parts):
            continue
        root = etree.parse(str(path)).getroot()
        for decision in root.iter("{*}decision"):
            inputs = {t.text.strip() for t in decision.iter("{*}text") if t.getparent().tag.endswith("inputExpression")}
            outputs = {o.get("name") for o in decision.iter("{*}output")}
            if inputs & counts or outputs & {"severity", "response_level"}:
                found.setdefault(str(path.relative_to(ROOT)), []).append(decision.get("id"))
    return found


def test_there_is_one_grading_table() -> None:
    assert _decisions_reading_counts() == {"bpmn/grade_severity.dmn": ["grade_severity"]}
