"""In Chromium, at 390 px in Chinese: a failed incident's page shows what failed, fits the phone,
has no serious accessibility violation (axe-core), and the commander fixes it — sets the variable,
retries — with the page's own forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.clock import ManualClock
from engine.db import Database, migrate
from tests.api.conftest import make_users
from tests.web.site import PHONE, Site, open_page, serve_database, shot, sign_in, switch_language
from tests.web.test_browser_a11y import AXE, AXE_RUN, OVERFLOW
from tests.web.test_failure_pages import failed_incident

pytestmark = pytest.mark.slow


@pytest.fixture
def failed(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    clock = ManualClock(datetime.now(UTC) - timedelta(hours=3))
    db = Database(f"sqlite:///{tmp_path / 'failed.db'}", clock=clock)
    migrate.upgrade(db.engine)
    make_users(db)
    ref = failed_incident(db, clock)
    clock.advance(datetime.now(UTC) - clock.now())  # back to the wall clock: sessions are signed now
    with serve_database(db, attachments=tmp_path / "attachments") as site:
        yield site, ref


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, PHONE, "zh-CN", bypass_csp=True, is_mobile=True, has_touch=True)


def test_the_commander_fixes_a_failed_incident_on_a_phone(failed: tuple[Site, str], page: Any) -> None:
    site, ref = failed
    sign_in(page, site, "commander")
    switch_language(page, "zh-CN")
    page.goto(f"{site.url}/ui/incidents/{ref}")
    assert page.locator("#failure-title").inner_text() == "因故障中止"
    assert "threshold" in page.locator("#failure-error").inner_text()
    wide = page.evaluate(OVERFLOW)
    assert wide["scroll"] <= wide["width"] + 1, wide["out"]
    page.add_script_tag(content=AXE)
    assert page.evaluate(AXE_RUN) == []
    shot(page, "failed-incident-phone-zh")

    page.click("#variable-panel summary")
    page.fill("#v-name", "threshold")
    page.fill("#v-value", "2")
    page.fill("#v-reason", "区里核定的阈值为 2")
    page.click("#set-variable")
    assert page.locator("#flash").inner_text() == "变量已设置。"
    page.fill("#r-reason", "已设置阈值")
    page.click("#retry")
    assert page.locator("#flash").inner_text() == "已重试：事件恢复运行。"
    assert page.locator("#failure").count() == 0
