"""A Chinese browser lands in Chinese after signing in, with nothing chosen by hand (Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.site import PHONE, Site, serve, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("language")) as running:
        yield running


def test_a_chinese_browser_lands_in_chinese_after_sign_in(site: Site, chromium: Any) -> None:
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{site.url}/ui/login")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        sign_in(page, site, "duty")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert "我的任务" in page.locator("h1").first.inner_text()
    finally:
        context.close()
