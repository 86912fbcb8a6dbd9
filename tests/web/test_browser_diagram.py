"""The diagram drawn by bpmn-js in Chromium: states marked, Chinese names, pan and zoom, the
text alternative, nothing loaded from elsewhere and nothing refused by the page's CSP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from engine import definitions, incidents
from engine.models import HumanTask
from tests.scenario import ADMIN
from tests.web.conftest import LEVEL_DRILL
from tests.web.site import DESKTOP, PHONE, Site, serve, shot, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("diagram")) as running:
        yield running


class Watched:
    """A page with every request and console error it makes recorded."""

    def __init__(self, page: Any) -> None:
        self.page, self.requests, self.errors = page, [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.errors.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        """Errors, CSP refusals among them (the browser's own favicon request is not the page's)."""
        if message.type == "error" and not str(message.location.get("url", "")).endswith("/favicon.ico"):
            self.errors.append(message.text)


def _watched(chromium: Any, viewport: dict[str, int], locale: str, **options: Any) -> Iterator[Watched]:
    context = chromium.new_context(viewport=viewport, locale=locale, **options)
    context.set_default_timeout(15_000)
    yield Watched(context.new_page())
    context.close()


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Watched]:
    yield from _watched(chromium, DESKTOP, "zh-CN")


@pytest.fixture
def phone(chromium: Any) -> Iterator[Watched]:
    yield from _watched(chromium, PHONE, "en-US", is_mobile=True, has_touch=True)


def _classes(page: Any, element: str) -> str:
    return str(page.locator(f".bpmn-canvas [data-element-id={element}]").first.get_attribute("class"))


def _overdue(site: Site, ref: str, element: str) -> None:
    """Put a task's deadline in the past (the browser's server runs on the real clock)."""
    with site.db.transaction() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        session.execute(update(HumanTask).where(HumanTask.incident_id == incident_id, HumanTask.task_spec == element)
                        .values(due_at=datetime.now(UTC) - timedelta(minutes=5)))


def test_incident_diagram_marks_states_in_chinese(site: Site, desktop: Watched) -> None:
    ref = site.start("燃气泄漏 Gas leak")
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        site.complete(ref, element, who)
    _overdue(site, ref, "medical_care")
    page = desktop.page
    sign_in(page, site, "commander")
    switch_language(page, "zh-CN")
    page.goto(f"{site.url}/ui/incidents/{ref}")
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    assert "m-done" in _classes(page, "activate_response")
    assert "m-ready" in _classes(page, "fire_rescue") and "m-overdue" in _classes(page, "medical_care")
    assert "m-waiting" in _classes(page, "fire_rescue_deadline")
    assert "m-taken" in _classes(page, "flow_record_to_grade") and "m-taken" not in _classes(page, "flow_level_low")
    assert page.locator(".djs-overlay .state-badge.m-overdue").count() == 1
    assert "消防" in page.locator(".bpmn-canvas").first.inner_text()  # lanes named by their seat
    listing = page.locator("#diagram-1-list")
    assert listing.locator("summary").inner_text().startswith("环节及其状态")
    listing.locator("summary").click()
    row = listing.locator("tr[data-element=medical_care]")
    assert "已超时" in row.inner_text() and "人工任务" in row.inner_text()
    assert page.locator("#diagram-1 .bjs-powered-by").is_visible()  # the licence's watermark stays
    shot(page, "diagram-zh")
    assert all(url.startswith(site.url) for url in desktop.requests), desktop.requests
    assert not desktop.errors, desktop.errors


def test_zoom_buttons_and_touch_panning_on_a_phone(site: Site, phone: Watched) -> None:
    ref = site.start("Phone diagram")
    site.complete(ref, "record_report", "duty")
    page = phone.page
    sign_in(page, site, "commander")
    switch_language(page, "en")
    page.goto(f"{site.url}/ui/incidents/{ref}")
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    def viewbox() -> dict[str, float]:
        return dict(page.evaluate(
            "() => { const b = document.querySelector('.bpmn-canvas').renxingViewer.get('canvas').viewbox();"
            " return {x: b.x, y: b.y, scale: b.scale}; }"))

    before = viewbox()
    page.click("#diagram-1 [data-zoom=in]")
    zoomed = viewbox()
    assert zoomed["scale"] > before["scale"] * 1.2
    page.click("#diagram-1 [data-zoom=reset]")
    reset = viewbox()
    assert abs(reset["scale"] - 1) < 0.01
    page.evaluate("""() => {
        const canvas = document.querySelector('.bpmn-canvas');
        const at = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {
            pointerId: 8, pointerType: 'touch', clientX: x, clientY: y, bubbles: true}));
        at('pointerdown', 200, 300); at('pointermove', 150, 260); at('pointerup', 150, 260);
    }""")
    panned = viewbox()
    assert (round(panned["x"] - reset["x"]), round(panned["y"] - reset["y"])) == (50, 40)
    shot(page, "diagram-phone")
    assert not phone.errors, phone.errors


def test_model_names_in_chinese_from_the_name_zh_property(site: Site, desktop: Watched) -> None:
    with site.db.transaction() as session:
        definitions.deploy(session=session, actor=ADMIN, files={"level_drill.bpmn": LEVEL_DRILL.read_bytes()})
    page = desktop.page
    sign_in(page, site, "admin")
    switch_language(page, "zh-CN")
    page.goto(f"{site.url}/ui/definitions/level_drill/1")
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    drawn = page.locator(".bpmn-canvas").inner_text()
    assert "等待调整响应级别" in drawn.replace("\n", "") and "Level change" not in drawn
    assert "Apply the new level" in drawn  # no Chinese name in the model: its own name
    page.locator("#diagram-1-list summary").click()
    assert "等待调整响应级别" in page.locator("#diagram-1-list").inner_text()
    switch_language(page, "en")
    page.wait_for_selector(".bpmn-canvas[data-drawn]")
    assert "Level change" in page.locator(".bpmn-canvas").inner_text()  # (a label wraps over lines)
    assert not desktop.errors, desktop.errors
