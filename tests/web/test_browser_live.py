"""Pages that keep themselves current in Chromium: another person completes a task, and the open
page changes without a reload; the inbox badge counts new and overdue tasks (desktop and phone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.site import DESKTOP, PHONE, Site, open_page, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, DESKTOP, "zh-CN", timeout_ms=20_000)


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, PHONE, "en-US", timeout_ms=20_000, is_mobile=True, has_touch=True)


def test_the_incident_page_follows_another_persons_work(site: Site, desktop: Any) -> None:
    ref = site.start("实时 Live incident")
    site.complete(ref, "record_report", "duty")
    page = desktop
    sign_in(page, site, "commander")
    switch_language(page, "zh-CN")
    page.goto(f"{site.url}/ui/incidents/{ref}")
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    page.evaluate("window.notReloaded = true")
    assert "m-ready" in str(page.locator("[data-element-id=report_to_district]").first.get_attribute("class"))
    site.complete(ref, "report_to_district", "duty")  # the duty officer, elsewhere
    page.wait_for_function("() => document.body.getAttribute('data-refreshed')")
    page.wait_for_function(
        "() => document.querySelector('[data-element-id=report_to_district]').classList.contains('m-done')")
    assert page.evaluate("window.notReloaded") is True
    open_tasks = page.locator("#open-tasks").inner_text()
    assert "向区里报告" not in open_tasks and "启动应急响应" in open_tasks  # the page is in Chinese
    assert page.locator("#diagram-1-rows tr[data-element=report_to_district]").get_attribute("data-state") == "done"
    shot(page, "live-incident-zh")


def test_the_inbox_and_its_badge_update_on_a_phone(site: Site, phone: Any) -> None:
    ref = site.start("Live inbox")
    for element, who in (("record_report", "duty"), ("report_to_district", "duty")):
        site.complete(ref, element, who)
    page = phone
    sign_in(page, site, "fire")
    switch_language(page, "en")
    page.goto(f"{site.url}/ui/tasks")
    page.evaluate("window.notReloaded = true")
    site.complete(ref, "activate_response", "commander")  # the inbox stays open while the commander acts
    page.locator("#inbox li", has_text=ref).wait_for()
    assert page.evaluate("window.notReloaded") is True
    badge = page.locator("#inbox-badge")
    badge.wait_for(state="visible")
    assert badge.inner_text() == "1 · 1 new"  # arrived after the inbox was opened
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(page, "live-inbox-phone")
