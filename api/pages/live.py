"""The pages' live channel: `/ui/live` answers the stamp and inbox counts that static/live.js
polls; when the stamp moves, the script fetches the page again and swaps its live regions."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.pages.render import PREFIX, Page, PageRoute
from engine import incidents
from engine.overview import live

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def _moment(text: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


@router.get("/live")
def pulse(ctx: Page, incident: str | None = None, seen: str | None = None) -> JSONResponse:
    """`incident`: a reference, to follow one incident; `seen`: when the inbox was last looked at."""
    user = ctx.require_user()
    with ctx.database.read() as session:
        incident_id = incidents.resolve(session=session, ref=incident).id if incident else None
        found = live.pulse(session=session, actor=user.principal.actor, now=ctx.database.clock.now(),
                           incident_id=incident_id, seen=_moment(seen))
    return JSONResponse({"stamp": found.stamp, "open": found.open, "new": found.new, "overdue": found.overdue},
                        headers={"Cache-Control": "no-store"})
