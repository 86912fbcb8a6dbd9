"""Lists and boards in Chromium: a grid worker searches the inbox on a phone in Chinese; a duty
officer clicks a dashboard bar to the list it counts and reads the active-incidents board on a
desktop in English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.site import DESKTOP, PHONE, Site, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("boards")) as running:
        yield running


def _page(chromium: Any, viewport: dict[str, int], locale: str) -> Any:
    context = chromium.new_context(viewport=viewport, locale=locale, is_mobile=viewport is PHONE,
                                   has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    return context


def test_the_inbox_is_searched_on_a_phone(site: Site, chromium: Any) -> None:
    gas, flood = site.start("燃气泄漏 Gas"), site.start("车库进水 Flood")
    context = _page(chromium, PHONE, "zh-CN")
    page = context.new_page()
    try:
        sign_in(page, site, "duty")
        switch_language(page, "zh-CN")
        page.fill("#inbox-q", "车库")
        page.click("#inbox-apply")
        page.wait_for_url("**q=**")
        cards = page.locator("#inbox li")
        assert cards.count() == 1 and flood in cards.first.inner_text() and gas not in page.inner_text("#inbox")
        page.select_option("#inbox-sort", "newest")
        page.fill("#inbox-q", "")
        page.click("#inbox-apply")
        assert flood in page.locator("#inbox li").first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        shot(page, "inbox-search-zh-390")
    finally:
        context.close()


def test_a_dashboard_bar_leads_to_its_list_and_the_board_shows_who_commands(site: Site, chromium: Any) -> None:
    ref = site.start("Dashboard click")
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        site.complete(ref, element, who)
    context = _page(chromium, DESKTOP, "en-US")
    page = context.new_page()
    try:
        sign_in(page, site, "duty")
        switch_language(page, "en")
        page.goto(f"{site.url}/ui/dashboard")
        colour = page.evaluate("getComputedStyle(document.querySelector('#chart-level rect.lvl-II')).fill")
        assert colour == "rgb(194, 65, 12)"  # II is orange
        page.click("#chart-level rect.lvl-II")
        page.wait_for_url("**/ui/incidents?**level=II**")
        assert ref in page.inner_text("#incident-list")
        page.click("a[href='/ui/board']")
        card = page.locator(f"#board li[data-reference='{ref}']")
        assert card.locator(".chip.lvl-II").is_visible() and "II" in card.locator(".chip").inner_text()
        shot(page, "board-en-1280")
    finally:
        context.close()
