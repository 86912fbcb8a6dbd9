"""The auditor's view of an incident, its JSON Lines export, the after-action report (page and
PDF), and the damage statistics workbook."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from api.messages import DAMAGE_FORBIDDEN, REPORT_FORBIDDEN
from api.pages import exports
from api.pages.events import ModelWords, model_words
from api.pages.figures import key_figures
from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, render, render_html
from api.policies import require_auditor, require_oversight
from api.schemas.audit import AuditEventOut
from engine import audit, definitions, incidents
from engine.learning import decisions
from engine.overview import damage, reports

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


@router.get("/incidents/{ref}/audit")
def auditor_view(ctx: Page, ref: str) -> Response:
    """Each decision with its basis, flag, review and ruling; the chain verified (auditors, admins)."""
    user = ctx.require_user()
    require_auditor(user.principal)
    with ctx.database.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
        trail = decisions.list_for(session=session, incident_id=incident.id)
        own_chain = audit.verify(session=session, incident_id=incident.id, all_chains=False)
        whole = audit.verify(session=session)
    return render(ctx, "audit.html", incident=incident, trail=trail, own_chain=own_chain, whole=whole)


@router.get("/incidents/{ref}/audit.jsonl")
def export(ctx: Page, ref: str) -> Response:
    """The incident's events as JSON Lines, streamed — the same rows as `GET /audit/export`."""
    user = ctx.require_user()
    require_auditor(user.principal)
    with ctx.database.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
    database = ctx.database

    def lines() -> Iterator[bytes]:
        with database.read() as stream_session:
            for event in audit.events(session=stream_session, incident_id=incident.id):
                row = AuditEventOut.model_validate(event).model_dump(mode="json")
                yield (json.dumps(row, ensure_ascii=False) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers={
        "Content-Disposition": f"attachment; filename={incident.reference}-audit.jsonl"})


def _report(ctx: Page, ref: str) -> tuple[reports.AfterActionReport, ModelWords, list[tuple[str, str]]]:
    """The after-action report: the incident's commander, auditors and administrators."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        require_oversight(session, user.principal, incident_id, REPORT_FORBIDDEN)
        found = reports.after_action(session=session, incident_id=incident_id)
        definition = definitions.get_by_id(session=session, definition_id=found.incident.definition_id)
        figures = key_figures(session, found, ctx.lang, ctx.database.clock.now())
        return found, model_words(definition, ctx.lang), figures


@router.get("/incidents/{ref}/report")
def report(ctx: Page, ref: str) -> Response:
    found, titles, figures = _report(ctx, ref)
    return render(ctx, "report.html", r=found, incident=found.incident, titles=titles, figures=figures,
                  pdf_missing=exports.pdf_missing())


@router.get("/incidents/{ref}/report.pdf")
def report_pdf(ctx: Page, ref: str) -> Response:
    """The same report as a PDF, in the reader's language and time zone (503 where WeasyPrint or
    Pango is missing on the server, saying so and pointing to the browser's printing)."""
    found, titles, figures = _report(ctx, ref)
    missing = exports.pdf_missing()
    if missing is not None:
        _ = Translator(ctx.lang)
        return render(ctx, "error.html", status=503, status_code=503, detail=_(
            "The PDF export is not available on this server (%(reason)s). Open the report and use the "
            "browser's Print button to save it as PDF.", reason=missing))
    html = render_html(ctx, "report.html", r=found, incident=found.incident, titles=titles, figures=figures,
                       printing=True)
    return Response(exports.pdf(html), media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={found.incident.reference}-after-action.pdf",
        "Cache-Control": "no-store"})


@router.get("/incidents/{ref}/damage.xlsx")
def damage_workbook(ctx: Page, ref: str) -> Response:
    """Damage statistics as submitted (one row per submission, totals): for the same readers."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        incident_id = incidents.resolve(session=session, ref=ref).id
        require_oversight(session, user.principal, incident_id, DAMAGE_FORBIDDEN)
        found = damage.statistics(session=session, incident_id=incident_id)
    return Response(exports.damage_workbook(found, ctx.lang, ctx.zone), media_type=exports.XLSX, headers={
        "Content-Disposition": f"attachment; filename={found.incident.reference}-damage.xlsx",
        "Cache-Control": "no-store"})
