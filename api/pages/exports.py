"""Files to take away, built from what the engine returns: the after-action report as PDF
(WeasyPrint renders the report page's own HTML with its print CSS), damage statistics as an
Excel workbook (openpyxl), and the incident list as CSV. Shared by the pages and the API.

The PDF renderer fetches nothing from the network: only the pages' own static files are read,
from disk. CJK text needs a CJK font on the system (fonts-wqy-zenhei or fonts-noto-cjk); the
report's CSS names them.

WeasyPrint is imported on the first report, not when the server starts: its import costs ~0.9 s
of CPU (a fifth of `renxing serve`'s start, paid again by every `--workers` process and every CLI
command, and again after a crash). It loads Pango (a system library) when imported, and raises
OSError where Pango is not installed; then `pdf_missing()` says why, the report page offers the
browser's own printing instead of the PDF link, and the PDF route answers 503 with that reason —
everything else (pages, the workbook, the CSV) works as usual. `.ci/run` installs Pango."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, tzinfo
from functools import cache
from typing import Any
from urllib.parse import urlparse

from openpyxl import Workbook
from openpyxl.styles import Font

from api.pages.i18n import Translator
from api.pages.render import STATIC, task_title
from engine.models import ImprovementAction, Incident
from engine.overview.damage import DamageStatistics
from engine.response import ReportEntry
from forms import FormNotFound, i18n, load_schema

BASE_URL = "https://renxing.local/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def _renderer() -> Any:
    """`pdf`'s renderer (html → PDF bytes), or the reason WeasyPrint cannot load, as a string."""
    try:
        from weasyprint import HTML, URLFetcher
        from weasyprint.urls import URLFetcherResponse
    except (ImportError, OSError) as missing:  # no WeasyPrint, or no Pango for it to load
        return f"{type(missing).__name__}: {missing}"[:300]

    class OwnFilesOnly(URLFetcher):  # type: ignore[misc]
        """Resources of the report: our static files from disk, and data: URLs; nothing else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("https", "data"))

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            path = (STATIC / parsed.path.removeprefix("/ui/static/")).resolve()
            if f"{parsed.scheme}://{parsed.netloc}/" != BASE_URL or not parsed.path.startswith("/ui/static/") \
                    or STATIC not in path.parents or not path.is_file():
                raise ValueError(f"the PDF export loads only the pages' own static files, not {url}")
            kind = "text/css" if path.suffix == ".css" else "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return lambda html: bytes(HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFilesOnly()).write_pdf())


def pdf_missing() -> str | None:
    """Why PDFs cannot be made here (WeasyPrint or Pango missing), or None when they can."""
    renderer = _renderer()
    return renderer if isinstance(renderer, str) else None


def pdf(html: str) -> bytes:
    """The report as PDF; only when `pdf_missing()` is None."""
    return bytes(_renderer()(html))


def _local(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def damage_workbook(found: DamageStatistics, lang: str, zone: tzinfo) -> bytes:
    """One sheet: a row per submission, a column per figure (titled in `lang`), and totals."""
    _ = Translator(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Damage statistics")
    incident = found.incident
    sheet.append([f"{incident.reference} {incident.title}"])
    sheet["A1"].font = Font(bold=True, size=13)
    fields: dict[str, str] = {}
    for task in found.submissions:
        try:
            properties = load_schema(task.form_key).get("properties") or {}
        except FormNotFound:
            properties = {}
        for name, spec in properties.items():
            if isinstance(spec, dict) and spec.get("type") in ("integer", "number"):
                fields.setdefault(name, i18n.schema_title(spec, lang, name))
    heads = [_("Task"), _("Submitted by"), _("Submitted at")] + list(fields.values())
    sheet.append(heads)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for task in found.submissions:
        data = task.data or {}
        sheet.append([task_title(task, lang), task.completed_by or "", _local(task.completed_at, zone)]
                     + [data.get(name) if isinstance(data.get(name), int | float) else None for name in fields])
    if found.submissions:
        first, last = 3, 2 + len(found.submissions)
        totals: list[Any] = [_("Total"), "", ""]
        for column in range(4, 4 + len(fields)):
            letter = sheet.cell(row=2, column=column).column_letter
            totals.append(f"=SUM({letter}{first}:{letter}{last})")
        sheet.append(totals)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[1].column_letter].width = max(12, *(len(str(c.value or "")) + 2 for c in column))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_sheet() -> tuple[io.StringIO, Any]:
    """A CSV text and its writer, opened with a byte-order mark so a spreadsheet program reads the
    UTF-8 Chinese correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    return out, csv.writer(out)


def incidents_csv(found: Iterable[Incident], lang: str, zone: tzinfo) -> str:
    """UTF-8 with a byte-order mark, so a spreadsheet program opens the Chinese correctly."""
    _ = Translator(lang)
    out, writer = _csv_sheet()
    writer.writerow([_("Reference"), _("Title"), _("Category"), _("Unit"), _("Phase"), _("Status"), _("Level"),
                     _("Exercise"), _("Reported"), _("Ended")])
    for incident in found:
        writer.writerow([incident.reference, incident.title, i18n.label("category", incident.category, lang),
                         incident.unit, i18n.label("phase", incident.phase, lang),
                         i18n.label("status", incident.status, lang),
                         incident.response_level or "", "1" if incident.exercise else "0",
                         _local(incident.created_at, zone), _local(incident.ended_at, zone)])
    return out.getvalue()


def reports_csv(found: Iterable[ReportEntry], lang: str, zone: tzinfo) -> str:
    """The report register, a row per report; UTF-8 with a byte-order mark like the incident list."""
    _ = Translator(lang)
    out, writer = _csv_sheet()
    writer.writerow([_("Report"), _("Task"), _("Addressee"), _("Due"), _("Sent"), _("Sent by"), _("Late"),
                     _("Summary")])
    for r in found:
        writer.writerow([i18n.label("report_kind", r.kind, lang), (r.title_zh if lang == "zh" else None) or r.title,
                         i18n.label("tier", r.addressee, lang) if r.addressee else "", _local(r.due_at, zone),
                         _local(r.sent_at, zone), r.sent_by or "", "1" if r.late else "0", r.summary or ""])
    return out.getvalue()


def improvements_csv(found: Iterable[ImprovementAction], lang: str, zone: tzinfo) -> str:
    """The improvement plan in HSEEP's AAR/IP columns, a row per action."""
    _ = Translator(lang)
    out, writer = _csv_sheet()
    writer.writerow([_("No."), _("Capability"), _("Issue"), _("Corrective action"), _("Owner seat"), _("Unit"),
                     _("Plan section"), _("Start"), _("Due"), _("Status"), _("Evidence"), _("Verified by"),
                     _("Completed")])
    for a in found:
        writer.writerow([a.id, i18n.label("capability", a.capability, lang), a.issue or "", a.title,
                         i18n.label("role", a.owner_seat, lang), a.plan_unit,
                         i18n.label("plan_section", a.plan_section, lang) if a.plan_section else "",
                         _local(a.start_at, zone), _local(a.due_at, zone), i18n.label("status", a.status, lang),
                         a.evidence or "", a.verified_by or "", _local(a.done_at, zone)])
    return out.getvalue()
