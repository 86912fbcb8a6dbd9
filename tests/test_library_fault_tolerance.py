"""fault_tolerance_review, called from incident_lifecycle's learning phase once per flagged decision:
rulings proposed by a decision table from the answers (excused, mitigated, accountable); departures
only with written reasons and a reviewer of the level above; private gain never excused; a referral
for accountability, a name-clearing notice after a complaint; the maker's statement given, declined
or lapsed; the reviewer never the maker. Cached and restored from rows before every step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.clock import ManualClock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.learning import decisions
from engine.models import FaultToleranceReview
from tests.library_helpers import FORM_SAMPLES, Library

CRITERIA = {"three_distinctions", "motive", "procedure_followed", "known_at_the_time", "urgency",
            "prompt_correction"}


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _to_learning(library: Library, incident_id: int) -> None:
    library.message(incident_id, "response_over", {"summary": "Contained."})
    for element in ("final_report", "damage_statistics", "verify_statistics", "loss_assessment", "relief_distribution",
                    "requisition_compensation", "reconstruction_plan", "after_action_review"):
        library.complete(incident_id, element)


def _reviews(library: Library) -> list[FaultToleranceReview]:
    with library.db.read() as session:
        return list(session.scalars(select(FaultToleranceReview).order_by(FaultToleranceReview.id)))


#: Answers to the three distinctions and the circumstances, and the ruling they propose.
GOOD_FAITH: dict = {}
NEGLIGENT = {"motive": "negligence", "mitigation": "A written reminder instead of a demerit."}
PRIVATE_GAIN = {"distinction_interest": "private_gain", "motive": "bad_faith"}
KNOWING = {"distinction_experience": "knowingly_broke_rules"}


@pytest.mark.parametrize(("answers", "ruling", "statement", "follow_up"), [
    (GOOD_FAITH, "excused", "given", None), (NEGLIGENT, "mitigated", "declined", None),
    (PRIVATE_GAIN, "accountable", "lapsed", "refer_for_accountability")])
def test_a_flagged_decision_is_ruled_as_its_answers_propose(
        library: Library, answers: dict, ruling: str, statement: str, follow_up: str | None) -> None:
    incident_id = library.respond()
    decision_id = library.decide(incident_id, departs_from_plan=True)
    _to_learning(library, incident_id)

    maker_task = library.task(incident_id, "add_maker_statement")
    assert (maker_task.role, library.person_for(maker_task)) == ("commander", "li.community")
    assert maker_task.phase == "learning"
    if statement == "given":
        library.complete(incident_id, "add_maker_statement")
    elif statement == "declined":
        library.complete(incident_id, "add_maker_statement", {"wishes_to_comment": False})
    else:
        assert library.advance(days=2, hours=23) == []
        assert library.advance(hours=2) == [library.incident(incident_id).reference]
    assert library.open_elements(incident_id) == ["rule_on_decision"]
    rule = library.task(incident_id, "rule_on_decision")
    assert (rule.role, rule.excluded_user) == ("reviewer", "li.community")
    library.complete(incident_id, "rule_on_decision", ruling=ruling, reasoning=f"Weighed: {ruling}.", **answers)
    if follow_up:
        assert library.open_elements(incident_id) == [follow_up]
        library.complete(incident_id, follow_up)
    assert library.open_elements(incident_id) == ["review_report"]
    library.complete(incident_id, "review_report")

    (review,) = _reviews(library)
    assert (review.decision_id, review.ruling, review.reviewer) == (decision_id, ruling, "lin.reviewer")
    assert (review.proposed_ruling, review.departure_reasons, review.concurred_by) == (ruling, None, None)
    assert review.mitigation == answers.get("mitigation")
    assert review.reasoning == f"Weighed: {ruling}."
    assert set(review.criteria) == CRITERIA
    expected = FORM_SAMPLES["maker_statement"]["statement"] if statement == "given" else None
    assert review.maker_statement == expected
    assert [e["ruling"] for e in library.audit(incident_id, "fault_tolerance_ruling")] == [ruling]
    assert [(e["proposed_ruling"], e["departs"]) for e in library.audit(incident_id, "ruling_proposed")] == [
        (ruling, False)]
    assert library.incident(incident_id).status == "closed"


def _to_ruling(library: Library) -> int:
    incident_id = library.respond()
    library.decide(incident_id, departs_from_plan=True)
    _to_learning(library, incident_id)
    library.complete(incident_id, "add_maker_statement")
    return incident_id


def test_excusing_private_gain_is_refused_with_or_without_reasons(library: Library) -> None:
    incident_id = _to_ruling(library)
    with pytest.raises(InvalidInput) as refused:
        library.complete(incident_id, "rule_on_decision", ruling="excused", **PRIVATE_GAIN)
    assert refused.value.message.code == "ruling.departs_without_reasons"
    assert set(refused.value.fields) == {"departure_reasons"}
    assert "propose 'accountable'" in refused.value.message
    with pytest.raises(InvalidInput) as never:
        library.complete(incident_id, "rule_on_decision", ruling="excused",
                         departure_reasons="He meant well.", **PRIVATE_GAIN)
    assert (never.value.message.code, set(never.value.fields)) == ("ruling.never_excused", {"ruling"})
    with pytest.raises(InvalidInput) as unsaid:
        library.complete(incident_id, "rule_on_decision", ruling="mitigated", **NEGLIGENT | {"mitigation": None})
    assert set(unsaid.value.fields) == {"mitigation"}
    # nothing changed: the task waits, no ruling, no trail
    assert library.open_elements(incident_id) == ["rule_on_decision"]
    assert _reviews(library) == []
    assert library.audit(incident_id, "ruling_proposed") == []


@pytest.mark.parametrize("concurs", [True, False], ids=["concurred", "not_concurred"])
def test_a_departure_needs_written_reasons_and_a_reviewer_of_the_level_above(library: Library,
                                                                              concurs: bool) -> None:
    incident_id = _to_ruling(library)
    library.complete(incident_id, "rule_on_decision", ruling="mitigated", **KNOWING,
                     departure_reasons="The rule broken was a form; the lives saved were real.",
                     mitigation="A talk instead of a demerit.")
    concur = library.task(incident_id, "concur_with_departure")
    assert (concur.role, concur.excluded_user) == ("district_reviewer", "lin.reviewer")
    library.complete(incident_id, "concur_with_departure", concurs=concurs)
    (review,) = _reviews(library)
    assert review.proposed_ruling == "accountable"
    assert review.departure_reasons.startswith("The rule broken")
    if concurs:
        assert (review.ruling, review.concurred_by, review.mitigation) == (
            "mitigated", "song.district", "A talk instead of a demerit.")
        assert library.open_elements(incident_id) == ["review_report"]
    else:  # the proposal stands, and leads to a referral
        assert (review.ruling, review.concurred_by, review.mitigation) == ("accountable", None, None)
        assert library.open_elements(incident_id) == ["refer_for_accountability"]
    (trail,) = library.audit(incident_id, "fault_tolerance_ruling")
    assert (trail["reviewer_ruling"], trail["second_reviewer"], trail["second_reviewer_concurs"]) == (
        "mitigated", "song.district", concurs)


def test_excused_after_a_complaint_clears_the_name(library: Library) -> None:
    incident_id = _to_ruling(library)
    library.complete(incident_id, "rule_on_decision", complaint_received=True)
    task = library.task(incident_id, "clear_the_name")
    assert (task.role, task.form_key) == ("reviewer", "name_clearing_notice")
    library.complete(incident_id, "clear_the_name")
    assert library.open_elements(incident_id) == ["review_report"]
    (review,) = _reviews(library)
    assert (review.ruling, review.complaint_received) == ("excused", True)


def test_the_maker_of_a_decision_cannot_rule_on_it(library: Library) -> None:
    incident_id = library.respond()
    library.decide(incident_id, departs_from_plan=True)
    _to_learning(library, incident_id)
    library.complete(incident_id, "add_maker_statement")
    # li.community holds a reviewer seat too, but made the decision
    with pytest.raises(Forbidden):
        library.complete(incident_id, "rule_on_decision", as_user="li.community")
    assert library.open_elements(incident_id) == ["rule_on_decision"]
    library.complete(incident_id, "rule_on_decision", as_user="lin.reviewer")
    assert library.open_elements(incident_id) == ["review_report"]


def test_every_flagged_decision_gets_its_own_review_before_the_incident_closes(library: Library) -> None:
    incident_id = library.respond()
    departing = library.decide(incident_id, departs_from_plan=True, choice="Tow the cars now")
    flagged_later = library.decide(incident_id, departs_from_plan=False, choice="Open the east gate")
    library.decide(incident_id, departs_from_plan=False, choice="Call the gas company")  # never flagged
    with library.db.transaction() as session:
        decisions.flag(session=session, actor=library.actors["lin.reviewer"], decision_id=flagged_later,
                       reason="The gate was a fire exit.")
    _to_learning(library, incident_id)

    assert library.open_elements(incident_id) == ["add_maker_statement", "add_maker_statement"]
    for task in library.open_tasks(incident_id):
        library.complete_task(task)
    assert library.open_elements(incident_id) == ["rule_on_decision", "rule_on_decision"]
    first, second = library.open_tasks(incident_id)
    library.complete_task(first, ruling="excused")
    assert library.open_elements(incident_id) == ["rule_on_decision"]  # the report waits for every review
    library.complete_task(second, ruling="accountable", **PRIVATE_GAIN)
    assert library.open_elements(incident_id) == ["refer_for_accountability"]
    library.complete(incident_id, "refer_for_accountability")
    assert library.open_elements(incident_id) == ["review_report"]
    library.complete(incident_id, "review_report")
    assert sorted((r.decision_id, r.ruling) for r in _reviews(library)) in (
        sorted([(departing, "excused"), (flagged_later, "accountable")]),
        sorted([(departing, "accountable"), (flagged_later, "excused")]))
    assert library.incident(incident_id).status == "closed"


def test_a_maker_relieved_of_command_can_still_make_a_statement(db: Database, clock: ManualClock) -> None:
    library = Library(db, clock)
    incident_id = library.respond()
    library.decide(incident_id, departs_from_plan=True)  # li.community, the community commander
    library.message(incident_id, "change_level", {"level": "IV", "reason": "A resident died in building 4"})
    library.complete(incident_id, "appoint_commander_for_level", commander_username="chen.district")
    _to_learning(library, incident_id)
    task = library.task(incident_id, "add_maker_statement")
    assert (task.role, library.person_for(task)) == ("commander", "li.community")
    library.complete(incident_id, "add_maker_statement")  # assigned by name: no longer needs the seat
    assert library.open_elements(incident_id) == ["rule_on_decision"]


def test_parallel_reviews_say_which_decision_they_are_about(db: Database, clock: ManualClock) -> None:
    library = Library(db, clock)
    incident_id = library.respond()
    tow = library.decide(incident_id, departs_from_plan=True, choice="Tow the cars now")
    gate = library.decide(incident_id, departs_from_plan=True, choice="Open the east gate")
    _to_learning(library, incident_id)
    for task in library.open_tasks(incident_id):
        library.complete_task(task)
    first, second = library.open_tasks(incident_id)

    def visible(task: object) -> dict:
        return {k: v for k, v in vars(task).items() if not k.startswith("_") and k not in ("id", "created_at")}

    assert visible(first) != visible(second)
    assert sorted(t.subject for t in (first, second)) == [
        f"Decision #{tow}: Tow the cars now", f"Decision #{gate}: Open the east gate"]
