"""Downloads in Chromium open: the report's PDF and the damage workbook (a commander on a phone,
in Chinese) and the incident list's CSV (desktop, English)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine import incidents
from tests.web.site import DESKTOP, PHONE, Site, open_page, serve, sign_in, switch_language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(tmp_path_factory.mktemp("exports")) as running:
        yield running


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, PHONE, "zh-CN", timeout_ms=30_000, accept_downloads=True, is_mobile=True,
                         has_touch=True)


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, DESKTOP, "en-US", timeout_ms=30_000, accept_downloads=True)


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as download:
        page.click(selector)
    return Path(download.value.path()).read_bytes()


def test_report_pdf_and_damage_workbook_open_from_a_phone(site: Site, phone: Any) -> None:
    ref = site.start("导出 Export check")
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander"), ("medical_care", "medical"), ("fire_rescue", "fire")):
        site.complete(ref, element, who)
    with site.db.transaction() as session:
        incidents.send_message(session=session, actor=site.actor("commander"),
                               incident_id=incidents.resolve(session=session, ref=ref).id, name="response_over")
    site.complete(ref, "damage_statistics", "grid")
    sign_in(phone, site, "commander")
    switch_language(phone, "zh-CN")
    phone.goto(f"{site.url}/ui/incidents/{ref}/report")
    reader = PdfReader(io.BytesIO(_download(phone, "#pdf-link")))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "复盘报告" in text and ref in text and "导出 Export check" in text
    sheet = load_workbook(io.BytesIO(_download(phone, "#damage-link"))).active
    assert sheet.title == "灾损统计" and sheet["D3"].value == 3 and sheet["A4"].value == "合计"


def test_incident_list_csv_downloads(site: Site, desktop: Any) -> None:
    ref = site.start("CSV check")
    sign_in(desktop, site, "duty")
    switch_language(desktop, "en")
    desktop.goto(f"{site.url}/ui/incidents")
    rows = list(csv.reader(io.StringIO(_download(desktop, "#csv-link").decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and ref in [row[0] for row in rows[1:]]
