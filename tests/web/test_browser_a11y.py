"""Phones and accessibility, in Chromium: the main pages walked at 390 px in both languages fail on
any horizontal overflow (naming the elements that stick out), and axe-core — vendored from the npm
registry as a test asset in tests/web/assets/axe-core, MPL-2.0, injected by the test, never served
by the app — finds no serious or critical violation on them (desktop and phone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.site import DESKTOP, PHONE, Site, serve, sign_in

pytestmark = pytest.mark.slow

AXE = (Path(__file__).parent / "assets" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
#: Who reads each main page (the person who would use it).
PAGES = [
    ("duty", "/ui/tasks"), ("duty", "/ui/report"), ("duty", "/ui/incidents"), ("duty", "/ui/board"),
    ("duty", "/ui/dashboard"), ("duty", "/ui/me"), ("duty", "/ui/definitions"),
    ("fire", "task:fire_rescue"), ("commander", "incident"), ("commander", "report"),
]
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed'
            && !e.closest('.table-wrap, .bpmn-canvas, .phases, table, svg');
    }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'));
    return {scroll: document.documentElement.scrollWidth, width, out};
}"""
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    with serve(tmp_path_factory.mktemp("a11y")) as running:
        ref = running.start("燃气泄漏 Gas leak")
        for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                             ("activate_response", "commander")):
            running.complete(ref, element, who)
        yield running, ref


def _url(site: Site, ref: str, where: str) -> str:
    if where == "incident":
        return f"{site.url}/ui/incidents/{ref}"
    if where == "report":
        return f"{site.url}/ui/incidents/{ref}/report"
    if where.startswith("task:"):
        with site.db.read() as session:
            from engine import incidents, tasks
            incident_id = incidents.resolve(session=session, ref=ref).id
            task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id)
                        if t.task_spec == where[5:])
        return f"{site.url}/ui/tasks/{task.id}"
    return site.url + where


def _walk(chromium: Any, site: Site, ref: str, viewport: dict[str, int], lang: str, check: Any) -> list[str]:
    problems: list[str] = []
    by_person: dict[str, list[str]] = {}
    for person, where in PAGES:
        by_person.setdefault(person, []).append(where)
    for person, wheres in by_person.items():
        context = chromium.new_context(viewport=viewport, locale=lang, bypass_csp=True,
                                       is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            sign_in(page, site, person)
            if page.locator("html").get_attribute("lang") != lang:
                page.click("#lang-switch")
                page.wait_for_load_state()
            for where in wheres:
                page.goto(_url(site, ref, where))
                page.wait_for_load_state("networkidle")
                problems += [f"{lang} {viewport['width']} {person} {where}: {p}" for p in check(page)]
        finally:
            context.close()
    return problems


def _overflow(page: Any) -> list[str]:
    found = page.evaluate(OVERFLOW)
    return [] if found["scroll"] <= found["width"] + 1 else [f"{found['scroll']} px wide: {found['out']}"]


def _axe(page: Any) -> list[str]:
    page.add_script_tag(content=AXE)
    return list(page.evaluate(AXE_RUN))


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_main_page_fits_a_phone(site: tuple[Site, str], chromium: Any, lang: str) -> None:
    running, ref = site
    assert _walk(chromium, running, ref, PHONE, lang, _overflow) == []


@pytest.mark.parametrize(("viewport", "lang"), [(DESKTOP, "zh-CN"), (PHONE, "en")], ids=["desktop-zh", "phone-en"])
def test_axe_finds_no_serious_violation_on_the_main_pages(site: tuple[Site, str], chromium: Any,
                                                           viewport: dict[str, int], lang: str) -> None:
    running, ref = site
    found = _walk(chromium, running, ref, viewport, lang, _axe)
    assert found == [], "\n".join(found)
