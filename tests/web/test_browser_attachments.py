"""A grid worker attaches a scene photo from a phone; the commander sees it on the task and its
hash in the auditor's trail (Chromium, phone and desktop, both languages)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.site import DESKTOP, PHONE, Site, open_page, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow
#: A real 1×1 PNG (the browser must be able to show it).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2e1a9b50000000049454e44ae426082")


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("attachments")) as running:
        yield running


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, PHONE, "zh-CN", is_mobile=True, has_touch=True)


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, DESKTOP, "en-US")


def test_a_photo_from_a_phone_is_shown_and_hashed_in_the_trail(site: Site, phone: Any, desktop: Any,
                                                               tmp_path: Path) -> None:
    ref = site.start("附件 Photo from the scene")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    sign_in(phone, site, "duty")
    switch_language(phone, "zh-CN")
    phone.locator("#inbox li", has_text=ref).locator("a.task-title").click()
    phone.select_option("#attach-kind", "scene")
    phone.set_input_files("#attach-file", str(photo))
    phone.click("#attach-submit")
    phone.wait_for_url("**done=attached**")
    assert "文件已上传" in phone.locator(".flash").inner_text()
    item = phone.locator("#attachments li").first
    assert "现场.png" in item.inner_text() and "现场" in item.inner_text()
    phone.locator("#attachments img").scroll_into_view_if_needed()
    phone.wait_for_function("() => document.querySelector('#attachments img').naturalWidth === 1")  # it loads
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(phone, "attachment-phone-zh")

    digest = hashlib.sha256(PNG).hexdigest()
    sign_in(desktop, site, "admin")
    switch_language(desktop, "en")
    desktop.goto(f"{site.url}/ui/incidents/{ref}")
    assert f"Attached '现场.png' to 'Record the incident report' (SHA-256 {digest})" in desktop.locator(
        "#timeline").inner_text()
    desktop.goto(f"{site.url}/ui/incidents/{ref}/report")
    assert digest in desktop.locator("#report-attachments").inner_text()
    shot(desktop, "attachment-report")
