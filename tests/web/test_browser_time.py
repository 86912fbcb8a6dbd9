"""Local times in Chromium: deadlines relative to now in Chinese on a phone, and a person's own
time zone chosen on the settings page (desktop, English)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.site import DESKTOP, PHONE, Site, open_page, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("time")) as running:
        yield running


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, PHONE, "zh-CN", is_mobile=True, has_touch=True)


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, DESKTOP, "en-US")


def _fire_task(site: Site, title: str) -> str:
    ref = site.start(title)
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        site.complete(ref, element, who)
    return ref


def test_relative_deadlines_in_chinese_on_a_phone(site: Site, phone: Any) -> None:
    ref = _fire_task(site, "时限 Deadline check")
    sign_in(phone, site, "fire")
    switch_language(phone, "zh-CN")
    card = phone.locator("#inbox li", has_text=ref)
    assert re.search(r"还剩 (29|30) 分钟", card.inner_text())
    assert card.locator("time").get_attribute("datetime").endswith("Z")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(phone, "inbox-deadline-zh-phone")


def test_a_person_chooses_a_time_zone(site: Site, desktop: Any) -> None:
    ref = _fire_task(site, "Zone check")
    sign_in(desktop, site, "fire")
    switch_language(desktop, "en")
    shanghai = desktop.locator("#inbox li", has_text=ref).locator("time").inner_text()
    desktop.click("#my-settings")
    desktop.select_option("#time_zone", "UTC")
    desktop.click("#save-settings")
    assert "Settings saved." in desktop.locator(".flash").inner_text()
    desktop.goto(f"{site.url}/ui/tasks")
    utc = desktop.locator("#inbox li", has_text=ref).locator("time").inner_text()
    assert int(shanghai[11:13]) - int(utc[11:13]) in (8, -16)  # Asia/Shanghai is UTC+8
    desktop.click("#my-settings")
    desktop.select_option("#time_zone", "")
    desktop.click("#save-settings")
