"""The improvement plan (HSEEP's AAR/IP matrix): every improvement action with its capability, the
issue seen, the corrective action, owner seat, start, due and status — filtered, and as CSV."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages import exports
from api.pages.render import PREFIX, Page, PageRoute, render
from engine import registers
from engine.models import ImprovementAction
from forms.vocabulary import ACTION_SOURCES, ACTION_STATUSES, CAPABILITIES, SEAT_LABELS

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def _pick(value: str | None, allowed: Collection[str]) -> str | None:
    return value if value in allowed else None


def _found(ctx: Page, status: str | None, capability: str | None, owner_seat: str | None, unit: str | None,
           source: str | None, overdue: str | None) -> tuple[list[ImprovementAction], dict[int, str]]:
    filters = registers.ActionFilter(
        status=_pick(status, ACTION_STATUSES), capability=_pick(capability, CAPABILITIES),
        owner_seat=_pick(owner_seat, SEAT_LABELS), plan_unit=(unit or "").strip()[:200] or None,
        source=_pick(source, ACTION_SOURCES), not_done=overdue == "1",
        due_before=ctx.database.clock.now() if overdue == "1" else None)
    with ctx.database.read() as session:
        found = registers.list_improvement_actions(session=session, filters=filters, limit=registers.MAX_PAGE)
        return found, registers.references(session=session, ids=(a.revision_incident_id for a in found))


@router.get("/improvements")
def improvements_page(ctx: Page, status: str | None = None, capability: str | None = None,
                      owner_seat: str | None = None, unit: str | None = None, source: str | None = None,
                      overdue: str | None = None) -> Response:
    ctx.require_user()
    found, references = _found(ctx, status, capability, owner_seat, unit, source, overdue)
    chosen = {"status": status or "", "capability": capability or "", "owner_seat": owner_seat or "",
              "unit": (unit or "").strip()[:200], "source": source or "", "overdue": overdue == "1"}
    query = urlencode({k: "1" if v is True else v for k, v in chosen.items() if v})
    return render(ctx, "improvements.html", actions=found, references=references, chosen=chosen,
                  statuses=ACTION_STATUSES, capabilities=CAPABILITIES, seats=tuple(SEAT_LABELS), sources=ACTION_SOURCES,
                  now=ctx.database.clock.now(), csv_query=query)


@router.get("/improvements.csv")
def improvements_csv(ctx: Page, status: str | None = None, capability: str | None = None,
                     owner_seat: str | None = None, unit: str | None = None, source: str | None = None,
                     overdue: str | None = None) -> Response:
    """The filtered improvement plan as CSV (UTF-8 with a byte-order mark), times in the reader's zone."""
    ctx.require_user()
    found, _references = _found(ctx, status, capability, owner_seat, unit, source, overdue)
    body = exports.improvements_csv(found, ctx.lang, ctx.zone)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=improvement-plan.csv",
                             "Cache-Control": "no-store"})
