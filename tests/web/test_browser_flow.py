"""Debian's Chromium drives the pages as people would: staff, commander, reviewer, auditor.

Each test reports its own incident through the engine, then a person does their part in the
browser. Screenshots of the main pages go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import definitions, incidents
from engine.learning import decisions
from tests.scenario import ADMIN, ANSWERS
from tests.web.conftest import LEVEL_DRILL
from tests.web.site import DESKTOP, PHONE, Site, serve, shot, sign_in


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _to_chinese(page: Any) -> None:
    _set_language(page, "zh-CN")


def _set_language(page: Any, lang: str) -> None:
    """The switch in the header; a signed-in user's choice is remembered across browsers."""
    if page.locator("html").get_attribute("lang") != lang:
        page.click("#lang-switch")
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


def test_staff_submits_invalid_then_valid_data_on_a_phone(site: Site, phone: Any) -> None:
    ref = site.start("Gas explosion at Building 3")
    sign_in(phone, site, "duty")
    card = phone.locator("#inbox li", has_text=ref)
    assert card.count() == 1
    shot(phone, "inbox-phone")
    card.get_by_role("link", name="Record the incident report").click()
    phone.wait_for_url("**/ui/tasks/*")
    phone.fill("#f-deaths", "-5")
    phone.select_option("#f-category", "accident_disaster")
    phone.click("#submit-task")
    assert phone.locator("#form-errors").is_visible()
    assert "must be at least 0" in phone.locator("#field-deaths .error").inner_text()
    assert "this field is required" in phone.locator("#field-location .error").inner_text()
    assert phone.input_value("#f-deaths") == "-5"  # the typed value is kept
    assert phone.input_value("#f-category") == "accident_disaster"
    shot(phone, "task-errors-phone")
    answers = ANSWERS["record_report"]
    for name in ("location", "deaths", "seriously_injured", "missing", "trapped", "relocated", "people_affected",
                 "economic_loss", "description"):
        phone.fill(f"#f-{name}", str(answers[name]))
    phone.click("#submit-task")
    phone.wait_for_url("**/ui/tasks?done=task_completed")
    assert "Task completed." in phone.locator(".flash").inner_text()
    assert "report_to_district" in site.open_elements(ref)  # 55 seriously injured grade it level II


def test_commander_records_a_decision_in_chinese(site: Site, page: Any) -> None:
    ref = site.start("燃气爆炸 Gas explosion")
    site.complete(ref, "record_report", "duty")
    site.complete(ref, "report_to_district", "duty")
    site.complete(ref, "activate_response", "commander")
    sign_in(page, site, "commander")
    _to_chinese(page)
    page.goto(f"{site.url}/ui/incidents/{ref}")
    assert page.locator("#phase-strip li.current").inner_text() == "响应"
    assert page.locator("#response-level").inner_text() == "II 级 重大"
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    assert "m-done" in page.locator("[data-element-id=activate_response]").first.get_attribute("class")
    assert "m-ready" in page.locator("[data-element-id=fire_rescue]").first.get_attribute("class")
    assert "m-waiting" in page.locator("[data-element-id=fire_rescue_deadline]").first.get_attribute("class")
    shot(page, "incident-zh")
    page.click("#decision-panel summary")
    page.click("#record-decision")  # empty: every required field named
    assert page.locator("#decision-form .error").count() >= 4
    assert "此项必填" in page.locator("#decision-form .error").first.inner_text()
    page.fill("#d-situation", "消防通道被私家车堵塞 Fire lane blocked by parked cars")
    page.fill("#d-options", "等待车主挪车\n立即拖车")
    page.fill("#d-choice", "立即拖车 Tow the cars now")
    page.fill("#d-rationale", "4 residents trapped")
    page.fill("#d-authority_basis", "II 级响应，现场指挥权")
    page.select_option("#d-urgency", "immediate")
    page.check("#d-departs")
    page.click("#record-decision")
    page.wait_for_url("**done=decision_recorded**")
    assert "决策已记录" in page.locator(".flash").inner_text()
    decision = page.locator("#decisions li.decision").first
    assert "立即拖车" in decision.inner_text() and "已提交容错审查" in decision.inner_text()
    with site.db.read() as session:
        made = decisions.list_for(session=session, incident_id=incidents.resolve(session=session, ref=ref).id)
    assert [d.departs_from_plan for d in made] == [True] and made[0].flag is not None
    assert page.locator("#level-form").count() == 0  # community_incident never waits for change_level
    shot(page, "incident-decision-zh")


def test_commander_changes_the_level(site: Site, page: Any) -> None:
    """On a tiny model that waits for change_level (tests/web/fixtures/level_drill.bpmn); the
    same on incident_lifecycle is in test_browser_lifecycle.py."""
    with site.db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files={"level_drill.bpmn": LEVEL_DRILL.read_bytes()})
    ref = site.start("Flood drill at Grid 3", process_id="level_drill")
    sign_in(page, site, "commander")
    page.goto(f"{site.url}/ui/incidents/{ref}")
    _set_language(page, "en")
    page.click("#level-panel summary")
    page.fill("#l-reason", "Flood water rising; two more compounds affected")
    page.click("#change-level")  # no level chosen: refused beside the field
    assert "must be one of" in page.locator("#level-form .error").inner_text()
    assert page.input_value("#l-reason").startswith("Flood water rising")
    page.select_option("#l-level", "I")
    page.click("#change-level")
    page.wait_for_url("**done=level_changed**")
    assert page.locator("#response-level").inner_text() == "I particularly serious"
    shot(page, "incident-level-changed")


def test_auditor_verifies_the_chain_and_opens_the_report_in_both_languages(site: Site, page: Any) -> None:
    ref = site.start("Exercise: gas leak drill", exercise=True)
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"), ("activate_response", "commander")):
        site.complete(ref, element, who)
    with site.db.transaction() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        decisions.record(session=session, actor=site.actor("commander"), incident_id=incident_id,
                         situation="Gas smell in stairwell 2", choice="Evacuate building 3 now",
                         rationale="Concentration rising", authority_basis="Level II, on-scene command",
                         options_considered=["Ventilate first", "Evacuate now"], departs_from_plan=True,
                         urgency="immediate")
    sign_in(page, site, "auditor")
    page.goto(f"{site.url}/ui/incidents/{ref}/audit")
    assert page.locator("#exercise-banner, .banner.exercise").first.is_visible()
    assert page.locator("#verify-own").inner_text().count("Intact") == 1
    assert "Intact" in page.locator("#verify-all").inner_text()
    assert "Evacuate building 3 now" in page.locator("#trail").inner_text()
    shot(page, "audit-en")
    with page.expect_download() as download:
        page.click("#export-link")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines and all('"action"' in line for line in lines)
    page.click("#report-link")
    page.wait_for_url("**/report")
    assert "Activity log (ICS-214)" in page.inner_text("#activity-log")
    assert "On-scene decision: Evacuate building 3 now" in page.inner_text("#activity-log")
    shot(page, "report-en")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()  # print CSS drops the navigation
    shot(page, "report-print")
    page.emulate_media(media="screen")
    _to_chinese(page)
    assert "活动日志（ICS-214）" in page.inner_text("#activity-log")
    page.goto(f"{site.url}/ui/incidents/{ref}/audit")
    assert "完整" in page.locator("#verify-all").inner_text()
    page.goto(f"{site.url}/ui/dashboard?exercise=1")
    assert page.locator("svg#chart-level rect.bar").count() >= 1
    shot(page, "dashboard-zh")


def test_pages_at_phone_width(site: Site, phone: Any) -> None:
    ref = site.start("Phone width check")
    site.complete(ref, "record_report", "duty")
    sign_in(phone, site, "commander")
    phone.goto(f"{site.url}/ui/incidents/{ref}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the page scrolls sideways ({width}px); only the diagram may"
    shot(phone, "incident-phone")
    phone.goto(f"{site.url}/ui/dashboard")
    shot(phone, "dashboard-phone")
    phone.goto(f"{site.url}/ui/definitions/community_incident/1")
    assert re.search(r"Community incident", phone.inner_text("h1"))


def test_admin_deploys_a_bundle_and_sees_its_diagram(site: Site, page: Any, tmp_path: Path) -> None:
    sign_in(page, site, "admin")
    page.goto(f"{site.url}/ui/definitions")
    _set_language(page, "en")
    page.click("#deploy-link")
    broken = tmp_path / "broken.bpmn"
    broken.write_text('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
                      '<bpmn:process id="broken" isExecutable="true"><bpmn:userTask id="orphan"/></bpmn:process>'
                      '</bpmn:definitions>')
    page.set_input_files("#files", str(broken))
    page.click("#deploy-form button[type=submit]")
    assert "broken.bpmn" in page.locator("#problems").inner_text()
    shot(page, "deploy-problems")
    renamed = tmp_path / "level_drill_v2.bpmn"
    renamed.write_text(LEVEL_DRILL.read_text().replace('name="Level drill"', 'name="Level drill (v2)"'))
    page.set_input_files("#files", str(renamed))
    page.click("#deploy-form button[type=submit]")
    assert "level_drill v" in page.locator("#deployed").inner_text()
    page.goto(f"{site.url}/ui/definitions")
    page.get_by_role("link", name="Level drill (v2)").click()
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    assert page.locator(".bpmn-canvas [data-element-id=wait_change_level]").count() == 1
    page.goto(f"{site.url}/ui/definitions/community_incident/1")
    shot(page, "definition")
