"""incident_lifecycle walked through the engine's public services: levels I and IV, deadlines that
escalate and deadlines met, situation reports on a cycle, evacuation, a level change that re-seats
command and calls in the second tier, statistics sent back, the learning phase with improvement
actions and a fault-tolerance review. Each path runs cached and restored from rows every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import audit
from engine.clock import ManualClock
from engine.db import Database
from engine.errors import InvalidInput
from engine.models import FaultToleranceReview, ImprovementAction, PhaseHistory
from tests.library_helpers import FORM_SAMPLES, UNIT, Library

REPORT = FORM_SAMPLES["incident_full_report"]
LEVEL_I_REPORT = {**REPORT, "deaths": 35, "trapped": 6, "people_affected": 2000, "economic_loss": 800}
#: Police cordon and traffic control open at every level (先期处置 and the first wave); logistics at III and above.
#: Volunteers are the second echelon: they come only when the commander requests them (test_library_volunteers.py).
FIRST_TIER = ["fire_rescue", "medical_care", "police_traffic"]
SECOND_TIER = ["logistics_supply"]
#: What the commander may send while the command post waits (evacuate, order and request_volunteers at any time).
MESSAGES = ["change_level", "evacuate", "order", "request_volunteers", "response_over"]
RECOVERY = ["loss_assessment", "relief_distribution", "requisition_compensation"]
@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def _report_initially(library: Library, incident_id: int) -> None:
    """The first response on scene (先期处置), and the initial report (首报) by phone and in writing, on time."""
    library.complete(incident_id, "first_response")
    library.complete(incident_id, "initial_report_phone")
    library.complete(incident_id, "initial_report_written")


def _to_response(library: Library, report: dict, commander: str, *, evacuate: bool = False) -> int:
    return library.respond(report, commander, evacuation_ordered=evacuate,
                           evacuation_area="Buildings 2-4" if evacuate else "")


def _recover(library: Library, incident_id: int) -> None:
    library.complete(incident_id, "final_report")  # the final report (终报) comes first
    library.complete(incident_id, "damage_statistics")
    library.complete(incident_id, "verify_statistics")
    assert library.open_elements(incident_id) == RECOVERY
    for element in RECOVERY:
        library.complete(incident_id, element)
    library.complete(incident_id, "reconstruction_plan")


def test_level_iv_is_commanded_by_the_community_and_closes_without_reviews(library: Library) -> None:
    incident_id = library.start("incident_lifecycle")
    assert library.open_elements(incident_id) == [
        "first_response", "initial_report_phone", "initial_report_written", "record_report"]
    assert library.incident(incident_id).phase == "response"
    _report_initially(library, incident_id)
    library.complete(incident_id, "record_report")
    assert library.incident(incident_id).response_level == "IV"
    # below 一般: the community leads, and its command seat (not the duty officer) appoints
    assert library.task(incident_id, "appoint_commander").role == "community_commander"

    library.complete(incident_id, "appoint_commander", commander_username="li.community")
    assert library.commander(incident_id) == "li.community"
    assert library.task(incident_id, "activate_response").role == "commander"
    library.complete(incident_id, "activate_response")

    # level IV: fire, medical and police (the cordon); logistics waits for a level rise; no evacuation, no volunteers
    assert library.open_elements(incident_id) == FIRST_TIER
    state = library.state(incident_id)
    assert state.waiting_messages == MESSAGES
    assert {t.element for t in state.timers} == {
        "fire_rescue_deadline", "medical_care_deadline", "police_traffic_deadline", "follow_up_due"}
    for element in FIRST_TIER:
        library.complete(incident_id, element)
    assert library.advance(minutes=90) == []  # every deadline met: nothing escalates

    library.message(incident_id, "response_over", {"summary": "Leak closed, residents back home."})
    assert library.incident(incident_id).phase == "recovery"
    # the follow-up cycle ended with the response; the final report is due within a day
    assert [t.element for t in library.state(incident_id).timers] == ["final_report_deadline"]
    _recover(library, incident_id)
    assert library.incident(incident_id).phase == "learning"
    library.complete(incident_id, "after_action_review")  # no improvement actions, no flagged decision
    assert library.open_elements(incident_id) == ["review_report"]
    library.complete(incident_id, "review_report")

    incident = library.incident(incident_id)
    assert (incident.status, incident.phase, incident.response_level) == ("closed", "closed", "IV")
    assert library.children(incident_id) == []
    with library.db.read() as session:
        phases = [h.phase for h in session.scalars(
            select(PhaseHistory).where(PhaseHistory.incident_id == incident_id).order_by(PhaseHistory.id))]
        assert phases == ["response", "recovery", "learning", "closed"]
        assert audit.verify(session=session).ok


def test_level_i_runs_every_phase_with_escalation_reports_evacuation_and_review(library: Library) -> None:
    incident_id = _to_response(library, LEVEL_I_REPORT, "yan.province", evacuate=True)
    incident = library.incident(incident_id)
    assert incident.response_level == "I"
    assert library.commander(incident_id) == "yan.province"
    assert [a["seat"] for a in library.audit(incident_id, "commander_seated")] == ["province_commander"]
    # level I: the second tier opens at once, and the commander ordered an evacuation
    assert library.open_elements(incident_id) == sorted(FIRST_TIER + SECOND_TIER + ["evacuate_residents"])
    fire = library.task(incident_id, "fire_rescue")
    assert fire.due_at == library.clock.now() + timedelta(minutes=30)

    # every department reports in time except fire and rescue
    for element in ["medical_care", "police_traffic", *SECOND_TIER, "evacuate_residents"]:
        library.complete(incident_id, element)
    assert library.advance(minutes=29) == []
    assert library.advance(minutes=2) == [incident.reference]
    assert library.task(incident_id, "escalate_fire_rescue").role == "commander"
    assert "escalate_medical_care" not in library.open_elements(incident_id)
    library.complete(incident_id, "escalate_fire_rescue")
    library.complete(incident_id, "fire_rescue")
    library.complete(incident_id, "open_shelters")
    decision_id = library.decide(incident_id, departs_from_plan=True)

    # level I: a follow-up report (续报) every hour while the response runs
    library.advance(minutes=30)
    assert library.open_elements(incident_id) == ["situation_report"]
    assert library.task(incident_id, "situation_report").role == "duty_officer"
    library.complete(incident_id, "situation_report")
    library.advance(hours=1)
    assert library.open_elements(incident_id) == ["situation_report"]  # the next one; left open

    library.message(incident_id, "response_over", {"summary": "All residents accounted for."})
    # the follow-up report that fell due is still owed (and late in the register); the final report is due too
    assert library.open_elements(incident_id) == ["final_report", "situation_report"]
    library.complete(incident_id, "situation_report")
    _recover(library, incident_id)

    action = {"title": "Keep the valve room key at the station", "owner_seat": "plan_owner", "due_in_days": 14,
              "plan_unit": UNIT}
    library.complete(incident_id, "after_action_review", improvement_actions=[action])
    (revision,) = library.children(incident_id)
    assert (revision.reference[:3], revision.unit) == ("IMP", UNIT)
    # the flagged decision is reviewed: its maker may comment, a reviewer who is not the maker rules
    assert library.open_elements(incident_id) == ["add_maker_statement"]
    assert library.person_for(library.task(incident_id, "add_maker_statement")) == "yan.province"
    library.complete(incident_id, "add_maker_statement")
    library.complete(incident_id, "rule_on_decision", ruling="mitigated", motive="negligence",
                     mitigation="A written reminder.")
    library.complete(incident_id, "review_report")

    incident = library.incident(incident_id)
    assert (incident.status, incident.response_level) == ("closed", "I")
    with library.db.read() as session:
        (review,) = session.scalars(select(FaultToleranceReview)).all()
        assert (review.decision_id, review.ruling, review.reviewer) == (decision_id, "mitigated", "lin.reviewer")
        assert review.maker_statement == FORM_SAMPLES["maker_statement"]["statement"]
        (recorded,) = session.scalars(select(ImprovementAction)).all()
        assert (recorded.source, recorded.revision_incident_id) == ("after_action_review", revision.id)
        assert audit.verify(session=session).ok


def test_a_level_change_reseats_command_and_calls_in_the_second_tier(
        request: pytest.FixtureRequest, library: Library) -> None:
    incident_id = _to_response(library, REPORT, "li.community")
    library.complete(incident_id, "fire_rescue")
    library.complete(incident_id, "police_traffic")
    assert library.open_elements(incident_id) == ["medical_care"]

    library.message(incident_id, "change_level", {"level": "II", "reason": "Gas reached building 4"},
                    as_user="li.community")
    incident = library.incident(incident_id)
    assert incident.response_level == "II"
    assert library.audit(incident_id, "response_level_changed")[-1] == {"from": "IV", "to": "II"}
    # command moves up to the province: its command seat (not the duty officer) names the commander
    assert library.open_elements(incident_id) == ["appoint_commander_for_level", "medical_care"]
    assert library.task(incident_id, "appoint_commander_for_level").role == "province_commander"
    with pytest.raises(InvalidInput):  # a community commander cannot command a level II response
        library.complete(incident_id, "appoint_commander_for_level", commander_username="li.community")
    library.complete(incident_id, "appoint_commander_for_level", commander_username="yan.province")
    assert library.commander(incident_id) == "yan.province"
    assert [a["username"] for a in library.audit(incident_id, "commander_seated")] == [
        "li.community", "yan.province"]
    assert library.open_elements(incident_id) == sorted(["medical_care", *SECOND_TIER])

    # a stale branch completing later does not pull the level back
    library.complete(incident_id, "medical_care")
    assert library.incident(incident_id).response_level == "II"

    library.message(incident_id, "response_over", {"summary": "Contained."})
    assert library.open_elements(incident_id) == ["final_report"]  # still-open tasks were closed
    _recover(library, incident_id)
    assert library.incident(incident_id).response_level == "II"
    assert [a["to"] for a in library.audit(incident_id, "response_level_changed")] == ["IV", "II"]


def test_a_rise_within_the_command_level_keeps_the_commander(library: Library) -> None:
    incident_id = _to_response(library, {**REPORT, "deaths": 12}, "yan.province")
    assert library.incident(incident_id).response_level == "II"
    assert library.open_elements(incident_id) == sorted(FIRST_TIER + SECOND_TIER)
    library.message(incident_id, "change_level", {"level": "I", "reason": "Explosion risk"})
    assert library.incident(incident_id).response_level == "I"
    assert library.commander(incident_id) == "yan.province"  # II -> I: still the province's command
    assert library.open_elements(incident_id) == sorted(FIRST_TIER + SECOND_TIER)  # nothing new to open
    assert library.state(incident_id).waiting_messages == MESSAGES
    library.message(incident_id, "response_over", {"summary": "Contained."})
    assert library.open_elements(incident_id) == ["final_report"]
    assert library.incident(incident_id).response_level == "I"


def test_two_level_changes_then_the_end_of_the_response(request: pytest.FixtureRequest, library: Library) -> None:
    incident_id = _to_response(library, REPORT, "li.community")
    library.message(incident_id, "change_level", {"level": "III", "reason": "More residents affected"})
    library.complete(incident_id, "appoint_commander_for_level", commander_username="qin.city")
    library.message(incident_id, "change_level", {"level": "IV", "reason": "Leak closed"})
    library.complete(incident_id, "appoint_commander_for_level", commander_username="chen.district")
    assert library.commander(incident_id) == "chen.district"  # 一般 is the district's to lead
    library.message(incident_id, "response_over", {"summary": "Contained."})  # the command post's third round
    library.complete(incident_id, "final_report")
    library.complete(incident_id, "damage_statistics")
    assert library.incident(incident_id).response_level == "IV"


def test_a_level_change_is_refused_while_the_new_commander_is_not_seated(library: Library) -> None:
    incident_id = _to_response(library, REPORT, "li.community")
    library.message(incident_id, "change_level", {"level": "III", "reason": "More residents affected"})
    assert library.open_elements(incident_id)[0] == "appoint_commander_for_level"
    assert library.state(incident_id).waiting_messages == ["evacuate", "order", "request_volunteers"]  # hand over first
    library.complete(incident_id, "appoint_commander_for_level", commander_username="qin.city")
    assert library.commander(incident_id) == "qin.city"
    assert library.state(incident_id).waiting_messages == MESSAGES


def test_the_commander_must_hold_the_command_seat_of_the_level(library: Library) -> None:
    incident_id = library.start("incident_lifecycle")
    _report_initially(library, incident_id)
    library.complete(incident_id, "record_report", LEVEL_I_REPORT)
    with pytest.raises(InvalidInput) as refused:
        library.complete(incident_id, "appoint_commander", commander_username="li.community")
    assert "province_commander" in str(refused.value)
    assert library.open_elements(incident_id) == ["appoint_commander"]
    library.complete(incident_id, "appoint_commander", commander_username="yan.province")
    assert library.commander(incident_id) == "yan.province"


def test_statistics_sent_back_are_reported_again(library: Library) -> None:
    incident_id = _to_response(library, REPORT, "li.community")
    library.message(incident_id, "response_over", {"summary": "False alarm"})
    library.complete(incident_id, "final_report")
    library.complete(incident_id, "damage_statistics")
    library.complete(incident_id, "verify_statistics", verified=False, comment="Building 5 missing")
    assert library.open_elements(incident_id) == ["damage_statistics"]
    library.complete(incident_id, "damage_statistics", houses_damaged=5)
    library.complete(incident_id, "verify_statistics")
    assert library.open_elements(incident_id) == RECOVERY
    assert [t.data["houses_damaged"] for t in library.completed(incident_id, "damage_statistics")] == [3, 5]
    library.complete(incident_id, "loss_assessment")  # restores the workflow after the second round
    assert library.open_elements(incident_id) == ["relief_distribution", "requisition_compensation"]


@pytest.mark.parametrize(("payload", "fields"), [
    ({"level": "V", "reason": "typo"}, {"payload.level"}), ({"level": "II"}, {"payload.reason"}),
    ({}, {"payload.level", "payload.reason"}), ({"level": "I", "reason": "x", "extra": 1}, {"payload.extra"})])
def test_a_malformed_level_change_is_refused_with_field_errors_and_changes_nothing(
        library: Library, payload: dict, fields: set[str]) -> None:
    incident_id = _to_response(library, REPORT, "li.community")
    with pytest.raises(InvalidInput) as caught:
        library.message(incident_id, "change_level", payload)
    assert set(caught.value.fields) == fields
    incident = library.incident(incident_id)
    assert (incident.response_level, incident.status) == ("IV", "active")
    assert library.open_elements(incident_id) == FIRST_TIER
    library.message(incident_id, "change_level", {"level": "IV", "reason": "Confirmed as general"})
    assert library.task(incident_id, "appoint_commander_for_level").role == "district_commander"
    assert library.commander(incident_id) == "li.community"  # until the district seats its own
