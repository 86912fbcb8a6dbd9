"""incident_lifecycle in Chromium: the commander changes the level, the reviewer rules on a flagged
decision (in Chinese), the auditor reads the ruling. Setup steps go through the library's driver
(tests/library_helpers.py); the step under test is done in the browser as its person would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from engine.clock import ManualClock
from engine.db import Database, migrate
from engine.errors import RenxingError
from engine.models import User
from tests.api.conftest import PASSWORD_HASH
from tests.library_helpers import FORM_SAMPLES, Library
from tests.web.site import DESKTOP, PHONE, Site, serve_database, shot, sign_in


@pytest.fixture(scope="module")
def world(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Library]]:
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('lifecycle') / 'lifecycle.db'}", clock=clock)
    migrate.upgrade(db.engine)
    try:
        library = Library(db, clock)
    except RenxingError as exc:
        pytest.skip(f"the process library in bpmn/ does not deploy: {exc}")
    with db.transaction() as session:  # the library's people sign in with the test password
        session.execute(update(User).values(password_hash=PASSWORD_HASH))
    with serve_database(db, attachments=tmp_path_factory.mktemp("lifecycle-files")) as site:
        yield site, library


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_commander_changes_the_level_of_an_incident_lifecycle(world: tuple[Site, Library], page: Any) -> None:
    site, library = world
    incident_id = library.respond()
    reference = library.incident(incident_id).reference
    assert "change_level" in library.state(incident_id).waiting_messages
    sign_in(page, site, "li.community")
    page.goto(f"{site.url}/ui/incidents/{reference}")
    assert page.locator("#response-level").inner_text() == "IV general"
    page.click("#level-panel summary")
    page.select_option("#l-level", "III")
    page.fill("#l-reason", "Gas reached building 4; more residents affected")
    page.click("#change-level")
    page.wait_for_url("**done=level_changed**")
    assert page.locator("#response-level").inner_text() == "III relatively serious"
    assert library.audit(incident_id, "response_level_changed")[-1] == {"from": "IV", "to": "III"}
    assert "appoint_commander_for_level" in library.open_elements(incident_id)
    assert page.locator("#level-form").count() == 0  # no second change before command is handed over
    shot(page, "lifecycle-level-changed")


def test_reviewer_rules_in_chinese_and_the_auditor_reads_the_ruling(world: tuple[Site, Library], page: Any,
                                                                    chromium: Any) -> None:
    site, library = world
    incident_id = library.respond()
    reference = library.incident(incident_id).reference
    decision_id = library.decide(incident_id, departs_from_plan=True)
    library.message(incident_id, "response_over", {"summary": "Contained."})
    for element in ("final_report", "damage_statistics", "verify_statistics",  # 终报 due before recovery
                    "loss_assessment", "relief_distribution", "requisition_compensation", "reconstruction_plan",
                    "after_action_review", "add_maker_statement"):
        library.complete(incident_id, element)
    assert library.open_elements(incident_id) == ["rule_on_decision"]

    sign_in(page, site, "lin.reviewer")
    page.click("#lang-switch")
    card = page.locator("#inbox li", has_text=reference)
    card.locator("a.task-title").click()
    page.wait_for_url("**/ui/tasks/*")
    assert "容错" in page.inner_text("main") or "认定" in page.inner_text("main")
    for name, value in FORM_SAMPLES["fault_tolerance_ruling"].items():
        if page.locator(f"select#f-{name}").count():
            page.select_option(f"#f-{name}", value)
        else:
            page.fill(f"#f-{name}", value)
    shot(page, "review-form-zh")
    page.click("#submit-task")
    page.wait_for_url("**done=task_completed")
    assert "任务已完成" in page.locator(".flash").inner_text()
    assert [e["ruling"] for e in library.audit(incident_id, "fault_tolerance_ruling")] == ["excused"]

    auditor = chromium.new_context(viewport=DESKTOP).new_page()
    sign_in(auditor, site, "deng.auditor")
    auditor.goto(f"{site.url}/ui/incidents/{reference}/audit")
    trail = auditor.locator(f"#decision-{decision_id}").inner_text()
    assert "Excused" in trail and "lin.reviewer" in trail and "Every minute counted" in trail
    assert "Intact" in auditor.locator("#verify-own").inner_text()
    shot(auditor, "audit-ruling")
    auditor.click("#report-link")
    assert "Check the keys monthly" in auditor.inner_text("#lessons")
    assert "Excused" in auditor.inner_text("#report-decisions")
    assert "Completed 'Weigh the criteria and rule' as Fault-tolerance reviewer" in auditor.inner_text("#activity-log")
    shot(auditor, "report-lifecycle")
    auditor.context.close()


@pytest.mark.parametrize(("viewport", "lang"), [(PHONE, "zh-CN"), (DESKTOP, "en")], ids=["phone-zh", "desktop-en"])
def test_the_commander_ends_the_response_after_a_confirmation_naming_what_it_cancels(
        world: tuple[Site, Library], chromium: Any, viewport: dict[str, int], lang: str) -> None:
    site, library = world
    incident_id = library.respond()
    reference = library.incident(incident_id).reference
    open_titles = _titles(library, incident_id)
    context = chromium.new_context(viewport=viewport, locale=lang, is_mobile=viewport is PHONE,
                                   has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, site, library.commander(incident_id))
        if page.locator("html").get_attribute("lang") != lang:
            page.click("#lang-switch")
        page.goto(f"{site.url}/ui/incidents/{reference}")
        panel = page.locator("#actions")  # the command panel comes before the diagram
        assert panel.bounding_box()["y"] < page.locator("#diagram").bounding_box()["y"]
        page.click("#response-over")
        confirm = page.locator("#confirm-end")
        confirm.wait_for()
        assert confirm.is_visible() and _in_view(page, "#confirm-end")
        named = {li.locator("strong").inner_text() for li in confirm.locator("#confirm-end-tasks li").all()}
        assert named and named <= open_titles, (named, open_titles)
        assert library.incident(incident_id).phase == "response"  # nothing happened yet
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        shot(page, f"response-over-confirm-{lang}-{viewport['width']}")
        page.click("#response-over-confirm")
        page.wait_for_url("**done=response_over**")
        assert page.locator("#actions #flash").is_visible() and _in_view(page, "#flash")
        assert library.incident(incident_id).phase == "recovery"
        still_open = _titles(library, incident_id)
        assert not named & still_open
    finally:
        context.close()


def _in_view(page: Any, selector: str) -> bool:
    return bool(page.evaluate("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }""", selector))


def _titles(library: Library, incident_id: int) -> set[str | None]:
    return {title for t in library.open_tasks(incident_id) for title in (t.title, t.title_zh)}


@pytest.mark.parametrize(("viewport", "lang"), [(PHONE, "zh-CN"), (DESKTOP, "en")], ids=["phone-zh", "desktop-en"])
def test_forms_offer_labelled_choices_and_seat_holders_by_name(world: tuple[Site, Library], chromium: Any,
                                                               viewport: dict[str, int], lang: str) -> None:
    site, library = world
    incident_id = library.start("incident_lifecycle", title="Forms that help")
    context = chromium.new_context(viewport=viewport, locale=lang, is_mobile=viewport is PHONE,
                                   has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, site, "wang.duty")
        if page.locator("html").get_attribute("lang") != lang:
            page.click("#lang-switch")
        page.goto(f"{site.url}/ui/tasks/{library.task(incident_id, 'record_report').id}")
        hazards = page.locator("#f-hazards_present")  # a checkbox group with labels, no codes to type
        label = "燃气泄漏" if lang == "zh-CN" else "Gas leak"
        hazards.get_by_label(label, exact=True).check()
        assert "gas_leak" not in hazards.inner_text()
        for name, value in (("category", "accident_disaster"),):
            page.select_option(f"#f-{name}", value)
        for name, value in (("unit", "Hehua Compound"), ("location", "Building 3"), ("deaths", "0"),
                            ("seriously_injured", "0"), ("missing", "0"), ("relocated", "0"),
                            ("people_affected", "40"), ("trapped", "0"), ("economic_loss", "5")):
            page.fill(f"#f-{name}", value)
        page.click("#submit-task")
        page.wait_for_url("**done=task_completed**")
        assert library.completed(incident_id, "record_report")[0].data["hazards_present"] == ["gas_leak"]
        appointment = library.task(incident_id, "appoint_commander")
        assert appointment.role == "community_commander"  # below 一般 the community leads and appoints
        context.clear_cookies()
        sign_in(page, site, "li.community")
        if page.locator("html").get_attribute("lang") != lang:
            page.click("#lang-switch")
        page.goto(f"{site.url}/ui/tasks/{appointment.id}")
        picker = page.locator("#f-commander_username")
        groups = picker.locator("optgroup")
        assert groups.count() >= 1
        assert ("社区指挥" if lang == "zh-CN" else "Community commander") in [
            groups.nth(i).get_attribute("label") for i in range(groups.count())]
        page.select_option("#f-commander_username", "li.community")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        shot(page, f"person-picker-{lang}-{viewport['width']}")
        page.click("#submit-task")
        page.wait_for_url("**done=task_completed**")
        assert library.commander(incident_id) == "li.community"
    finally:
        context.close()
