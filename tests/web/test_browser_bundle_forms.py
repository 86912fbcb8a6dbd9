"""Debian's Chromium deploys a model bundled with its own two forms from the deploy page, runs it,
then deploys it again (as a .zip) with a changed form: the running incident keeps the old form, an
incident started later gets the new one."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.site import DESKTOP, Site, serve, shot, sign_in

BUNDLE = Path(__file__).parents[1] / "fixtures" / "bundle_forms"
FILES = ("site_check.bpmn", "site_inspection.json", "site_signoff.json")


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("bundle-forms")) as running:
        yield running


@pytest.fixture
def pages(chromium: Any) -> Iterator[Any]:
    """Two browsers side by side: the administrator's and the duty officer's."""
    contexts = [chromium.new_context(viewport=DESKTOP, locale="en-US") for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(15_000)
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def _deploy(page: Any, site: Site, *paths: Path) -> str:
    page.goto(f"{site.url}/ui/definitions/deploy")
    page.set_input_files("#files", [str(p) for p in paths])
    page.click("#deploy-form button[type=submit]")
    return str(page.locator("#deployed").inner_text())


def _open_task(page: Any, site: Site, ref: str, name: str) -> None:
    page.goto(f"{site.url}/ui/tasks")
    page.locator("#inbox li", has_text=ref).get_by_role("link", name=name).click()
    page.wait_for_url("**/ui/tasks/*")


def _changed_bundle(folder: Path) -> Path:
    """The bundle as a .zip, its sign-off form asking for a witness too."""
    form = json.loads((BUNDLE / "site_signoff.json").read_text())
    form["title"], form["x-title-zh"] = "Sign-off (v2)", "签字确认（第二版）"
    form["properties"]["witness"] = {"type": "string", "title": "Witness", "x-title-zh": "见证人"}
    archive = folder / "site_check.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name in FILES:
            text = json.dumps(form) if name == "site_signoff.json" else (BUNDLE / name).read_text()
            bundle.writestr(f"site_check/{name}", text)
    return archive


def test_a_bundle_with_its_own_forms_deploys_runs_and_keeps_running_incidents_on_their_forms(
        site: Site, pages: Any, tmp_path: Path) -> None:
    admin, page = pages
    sign_in(admin, site, "admin")
    assert "site_check v1" in _deploy(admin, site, *(BUNDLE / name for name in FILES))
    running = site.start("Cracked wall at Building 5", process_id="site_check")

    sign_in(page, site, "duty")
    _open_task(page, site, running, "Inspect the site")
    assert "Site inspection" in page.inner_text("main")
    page.check("#field-cracks_found input[value=true]")
    page.select_option("#f-level", "III")
    page.click("#submit-task")
    page.wait_for_url("**/ui/tasks?done=task_completed")

    assert "site_check v2" in _deploy(admin, site, _changed_bundle(tmp_path))

    _open_task(page, site, running, "Sign off")
    shot(page, "bundle-form-old")
    assert "Sign-off" in page.inner_text("main") and "Sign-off (v2)" not in page.inner_text("main")
    assert page.locator("#f-signed_by").count() == 1 and page.locator("#f-witness").count() == 0
    page.fill("#f-signed_by", "Wang Fang")
    page.click("#submit-task")
    page.wait_for_url("**/ui/tasks?done=task_completed")
    assert site.open_elements(running) == []

    later = site.start("Cracked wall at Building 6", process_id="site_check")
    site.complete(later, "inspect_site", "duty", {"cracks_found": False})
    _open_task(page, site, later, "Sign off")
    shot(page, "bundle-form-new")
    assert "Sign-off (v2)" in page.inner_text("main") and page.locator("#f-witness").count() == 1
