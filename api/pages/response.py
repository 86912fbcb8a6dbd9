"""The report register of an incident (信息报告台账) as a page and as CSV."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages import exports
from api.pages.render import PREFIX, Page, PageRoute, render
from engine import incidents, response
from engine.models import Incident

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def _register(ctx: Page, ref: str) -> tuple[Incident, list[response.ReportEntry], dict[str, int]]:
    ctx.require_user()
    with ctx.database.read() as session:
        incident = incidents.resolve(session=session, ref=ref)
        found = response.report_register(session=session, incident_id=incident.id, now=ctx.database.clock.now())
        counts = response.response_counts(session=session, incident_id=incident.id)
    return incident, found, counts


@router.get("/incidents/{ref}/reports")
def report_register(ctx: Page, ref: str) -> Response:
    incident, found, counts = _register(ctx, ref)
    return render(ctx, "reports.html", incident=incident, reports=found, counts=counts)


@router.get("/incidents/{ref}/reports.csv")
def report_register_csv(ctx: Page, ref: str) -> Response:
    incident, found, _ = _register(ctx, ref)
    return Response(exports.reports_csv(found, ctx.lang, ctx.zone), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename={incident.reference}-reports.csv", "Cache-Control": "no-store"})
