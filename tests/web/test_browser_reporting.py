"""接报 in Chromium: a duty officer reports from a phone in Chinese and from a desktop in English,
sees the reference and the reporting deadline that follows, and a refused field keeps the input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import incidents
from tests.web.site import DESKTOP, PHONE, Site, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("reporting")) as running:
        yield running


def _has_deadline(site: Site, ref: str) -> bool:
    with site.db.read() as session:
        state = incidents.state(session=session, incident_id=incidents.resolve(session=session, ref=ref).id)
    return any(t.due_at for t in state.open_tasks) or any(t.due_at for t in state.timers)


@pytest.mark.parametrize(("viewport", "locale", "lang"), [(PHONE, "zh-CN", "zh-CN"), (DESKTOP, "en-US", "en")],
                         ids=["phone-zh", "desktop-en"])
def test_a_duty_officer_reports_an_incident_from_the_web(site: Site, chromium: Any, viewport: dict[str, int],
                                                         locale: str, lang: str) -> None:
    context = chromium.new_context(viewport=viewport, locale=locale, is_mobile=viewport is PHONE,
                                   has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, site, "duty")
        switch_language(page, lang)
        page.click("#nav-report")
        page.wait_for_url("**/ui/report")
        assert page.locator("#r-occurred_at").input_value()  # now, in the reader's zone
        page.select_option("#r-category", "accident_disaster")
        page.fill("#r-unit", "荷花小区")
        page.fill("#r-location", "3号楼")
        page.fill("#r-injured", "3")
        page.fill("#r-trapped", "2")
        page.fill("#r-on_scene", "网格员张三")
        page.click("#report-submit")  # no title: refused, tied to its field, the input kept
        assert page.locator("#r-title").get_attribute("aria-invalid") == "true"
        assert "r-title-error" in page.locator("#r-title").get_attribute("aria-describedby")
        assert page.locator("#r-title-error").is_visible()
        assert page.locator("#r-on_scene").input_value() == "网格员张三"
        assert page.locator("#r-trapped").input_value() == "2"
        page.fill("#r-title", f"燃气泄漏 {lang}")
        page.click("#report-submit")
        page.wait_for_url("**/ui/report/INC-*")
        ref = page.url.rsplit("/", 1)[1]
        assert ref in page.locator("#reported").inner_text()
        deadline = page.locator("#first-deadline")
        if _has_deadline(site, ref):  # whatever deadline the model sets after a report
            assert deadline.locator("time").count() == 1, deadline.inner_text()
            assert ("还剩" if lang == "zh-CN" else "left") in deadline.inner_text()
        else:
            assert deadline.locator(".empty").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        shot(page, f"first-report-{lang}-{viewport['width']}")
        page.locator("#next-tasks a").first.click()
        page.wait_for_url("**/ui/tasks/*")
        assert ref in page.locator(".crumbs").inner_text()
    finally:
        context.close()
