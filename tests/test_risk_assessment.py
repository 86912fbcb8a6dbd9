"""The annual community risk assessment (心中有数), on SQLite and PostgreSQL: the community's
emergency service station assesses the risks and writes the plan's risk section; the two
committees approve it (or send it back); approved, the risk section is the unit's next plan version
and a hazard screening starts to register on site what the assessment points to."""

from __future__ import annotations

import pytest

from engine import registers
from engine.clock import ManualClock
from engine.db import Database
from forms.samples import SAMPLES
from tests.library_helpers import UNIT, Library


@pytest.fixture(params=[False, True], ids=["cached", "restored"])
def library(request: pytest.FixtureRequest, db: Database, clock: ManualClock) -> Library:
    return Library(db, clock, restore=request.param)


def test_the_assessment_becomes_the_risk_section_and_starts_a_screening(library: Library) -> None:
    assessment = library.start("risk_assessment", title="Annual risk assessment of Hehua Compound")
    assert library.incident(assessment).reference.startswith("RSK-")
    assert library.task(assessment, "assess_community_risks").role == "service_station"
    library.complete(assessment, "assess_community_risks", risk_section="Draft: flooding only.")
    approve = library.task(assessment, "approve_risk_assessment")
    assert (approve.role, approve.excluded_user) == ("community_committee", "tang.station")
    library.complete(assessment, "approve_risk_assessment", approved=False, comments="Gas risers are missing.")
    assert library.open_elements(assessment) == ["assess_community_risks"]  # back to the station
    with library.db.read() as session:
        assert registers.plan_in_force(session=session, unit=UNIT) is None  # nothing published yet

    library.complete(assessment, "assess_community_risks")
    library.complete(assessment, "approve_risk_assessment")
    with library.db.read() as session:
        plan = registers.plan_in_force(session=session, unit=UNIT)
    assert plan is not None
    assert (plan.version, plan.sections, plan.drafted_by, plan.approved_by) == (
        1, {"risks": SAMPLES["risk_assessment"]["risk_section"]}, "tang.station", "bai.committee")
    assert library.incident(assessment).status == "closed"
    (screening,) = library.children(assessment)
    assert screening.reference.startswith("HZS-") and screening.unit == UNIT
    assert library.open_elements(screening.id) == ["plan_screening"]
