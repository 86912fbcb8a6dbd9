"""Files to take away, opened as a person's program would: the after-action report as PDF (its
Chinese text extracted), damage statistics as an Excel workbook, the incident list as CSV."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from api.pages import exports
from engine import incidents, seats
from engine.db import Database
from tests.web.test_pages import _complete

ROOT = Path(__file__).resolve().parents[2]


def _into_recovery(db: Database, incident: str) -> None:
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander"), ("medical_care", "medical"), ("fire_rescue", "fire")):
        _complete(db, incident, element, who)
    with db.transaction() as session:
        commander = seats.actor_for(seats.get_user(session=session, username="commander"))
        incidents.send_message(session=session, actor=commander, incident_id=incidents.resolve(
            session=session, ref=incident).id, name="response_over")
    _complete(db, incident, "damage_statistics", "grid")


def test_report_pdf_opens_with_chinese_text(browser: Any, db: Database, incident: str) -> None:
    _into_recovery(db, incident)
    commander = browser("commander")
    commander.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    page = commander.get(f"/ui/incidents/{incident}/report").text
    assert 'id="pdf-link"' in page and 'id="damage-link"' in page
    answer = commander.get(f"/ui/incidents/{incident}/report.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-") and "attachment" in answer.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(answer.content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert f"复盘报告 — {incident}" in text or "复盘报告" in text
    assert incident in text and "活动日志（ICS-214）" in text and "返回我的任务" not in text
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in f or "CJK" in f for f in fonts), fonts  # Chinese drawn in a CJK font
    assert browser("fire").get(f"/ui/incidents/{incident}/report.pdf").status_code == 403


def test_damage_statistics_workbook_opens(browser: Any, db: Database, incident: str) -> None:
    _into_recovery(db, incident)
    commander = browser("commander")
    commander.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    answer = commander.get(f"/ui/incidents/{incident}/damage.xlsx")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.title == "灾损统计"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith(incident)
    assert rows[1] == ["任务", "填报人", "填报时间", "受损房屋（间）", "直接经济损失（万元）", "转移安置人数"]
    assert rows[2][0] == "上报灾损统计" and rows[2][1] == "grid" and rows[2][3:] == [3, 12.5, 10]
    assert rows[3] == ["合计", None, None, "=SUM(D3:D3)", "=SUM(E3:E3)", "=SUM(F3:F3)"]


def test_incident_list_csv_opens(browser: Any, db: Database, incident: str) -> None:
    duty = browser("duty")
    listing = duty.get("/ui/incidents").text
    assert 'id="csv-link"' in listing
    answer = duty.get("/ui/incidents.csv", params={"status": "active"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())  # spreadsheet programs read it as UTF-8
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Title", "Category"]
    assert rows[1][0] == incident and rows[1][1] == "Gas explosion" and rows[1][8].startswith("2026-05-12 14:")
    assert len(duty.get("/ui/incidents.csv", params={"status": "closed"}).content.decode("utf-8-sig").splitlines()) == 1


def test_without_weasyprint_or_pango_the_pdf_says_why_and_the_rest_works(
        browser: Any, db: Database, incident: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "pdf_missing", lambda: "OSError: cannot load library 'libpango-1.0-0'")
    _into_recovery(db, incident)
    commander = browser("commander")
    page = commander.get(f"/ui/incidents/{incident}/report").text
    assert 'id="pdf-link"' not in page and 'id="pdf-missing"' in page and 'id="damage-link"' in page
    answer = commander.get(f"/ui/incidents/{incident}/report.pdf")
    assert answer.status_code == 503 and "libpango" in answer.text and "Print" in answer.text
    assert commander.get(f"/ui/incidents/{incident}/damage.xlsx").status_code == 200


def test_the_pages_start_when_weasyprint_cannot_load() -> None:
    """A missing Pango makes `import weasyprint` raise OSError: the module notes why and goes on."""
    script = ("import sys; sys.modules['weasyprint'] = None\n"
              "from api.pages import exports\n"
              "assert 'weasyprint' in (exports.pdf_missing() or '')\n"
              "from api.app import create_app\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_weasyprint_is_imported_on_the_first_report_not_when_the_server_starts() -> None:
    """Its import is a fifth of a server's start (and of every CLI command): paid only when a report asks."""
    script = ("import sys\n"
              "import api.cli, api.pages\n"
              "from api.app import create_app\n"
              "assert 'weasyprint' not in sys.modules, 'imported at start'\n"
              "from api.pages import exports\n"
              "exports.pdf_missing()\n"
              "assert 'weasyprint' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_report_opens_with_key_figures_and_ends_with_a_sign_off(browser: Any, db: Database,
                                                                   incident: str) -> None:
    _into_recovery(db, incident)
    commander = browser("commander")
    commander.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    page = commander.get(f"/ui/incidents/{incident}/report").text
    figures = dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>",
                              page.split('id="key-figures"')[1].split("</section>")[0]))
    assert figures["已完成任务"] == "6" and figures["逾期完成"] == "0" and figures["历时"]
    sign_off = page.split('id="sign-off"')[1].split("</section>")[0]
    assert [label for label in ("编制", "审核", "签发") if label in sign_off] == ["编制", "审核", "签发"]
    assert page.index('id="key-figures"') < page.index('id="phases"') < page.index('id="sign-off"')
