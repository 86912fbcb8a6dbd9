"""Prevention pages: the preparedness resources register (物资, equipment, shelters, micro fire
stations, the service station) — what is held, what is short or expiring, and its movements — the
units' plans, and the prevention calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from api.schemas.common import MAX_ID
from engine import registers
from engine.errors import InvalidInput
from engine.incidents import schedules
from engine.messages import OPERATOR_INTEGER_FIELD, RESOURCE_NOT_VALID
from forms.messages import FIELD_DATE, FIELD_REQUIRED
from forms.vocabulary import LOGISTICS, PLAN_SECTIONS, RESOURCE_KINDS

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FIELDS = ("kind", "name", "unit", "location", "measure", "quantity", "minimum", "expires_on")


def _resources_page(ctx: Page, *, status: int = 200, errors: dict[str, str] | None = None,
                    typed: dict[str, str] | None = None, unit: str | None = None, saved: bool = False) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        found = registers.list_resources(session=session, filters=registers.ResourceFilter(unit=unit or None))
        soon = ctx.database.clock.now() + registers.EXPIRY_NOTICE
    return render(ctx, "resources.html", status=status, resources=found, kinds=RESOURCE_KINDS, soon=soon,
                  errors=errors or {}, typed=typed or {}, unit=unit or "", saved=saved)


@router.get("/resources")
def resources_page(ctx: Page, unit: str | None = None, saved: str | None = None) -> Response:
    return _resources_page(ctx, unit=(unit or "").strip()[:200], saved=saved == "1")


def _parsed(typed: dict[str, str]) -> dict[str, Any]:
    """The form's text as the register's values; every problem named by its field."""
    problems = {}
    numbers = {}
    for name in ("quantity", "minimum"):
        raw = typed.get(name, "") or "0"
        numbers[name] = int(raw) if raw.isdigit() and int(raw) <= 1_000_000 else None
        if numbers[name] is None:
            problems[name] = OPERATOR_INTEGER_FIELD(low=0, high=1_000_000)
    for name in ("name", "unit", "location", "measure"):
        if not typed.get(name):
            problems[name] = FIELD_REQUIRED()
    if typed.get("kind") not in RESOURCE_KINDS:
        problems["kind"] = FIELD_REQUIRED()
    expires = None
    if typed.get("expires_on"):
        try:
            expires = datetime.fromisoformat(typed["expires_on"]).replace(tzinfo=UTC)
        except ValueError:
            problems["expires_on"] = FIELD_DATE()
    if problems:
        raise InvalidInput(RESOURCE_NOT_VALID, fields=problems)
    return {"kind": typed["kind"], "name": typed["name"][:200], "unit": typed["unit"][:200],
            "location": typed["location"][:300], "measure": typed["measure"][:32], "quantity": numbers["quantity"],
            "minimum": numbers["minimum"], "expires_at": expires}


@router.post("/resources")
def register_resource(ctx: Page, form: Posted) -> Response:
    """Logistics registers a reserve, equipment, a shelter or a station."""
    typed = {name: str(form.get(name) or "").strip() for name in FIELDS}
    try:
        values = _parsed(typed)
        ctx.command(lambda session, actor: registers.register(session=session, actor=actor, **values))
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        return _resources_page(ctx, status=422, errors={k: say(v) for k, v in exc.fields.items()}, typed=typed)
    return redirect(ctx, f"{PREFIX}/resources?saved=1")


def _resource_page(ctx: Page, resource_id: int, *, status: int = 200, errors: dict[int, str] | None = None,
                   released: bool = False) -> Response:
    user = ctx.require_user()
    with ctx.database.read() as session:
        resource = registers.get_resource(session=session, resource_id=resource_id)
        held = registers.holdings(session=session, resource_id=resource_id)
        moved = registers.movements(session=session, resource_id=resource_id)
    manager = not user.is_auditor and (user.is_admin or LOGISTICS in user.global_roles)
    return render(ctx, "resource.html", status=status, r=resource, holdings=held, movements=moved, manager=manager,
                  errors=errors or {}, released=released)


@router.get("/resources/{resource_id}")
def resource_page(ctx: Page, resource_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                  released: str | None = None) -> Response:
    return _resource_page(ctx, resource_id, released=released == "1")


@router.post("/resources/{resource_id}/reservations/{reservation_id}/release")
def release_reservation(ctx: Page, resource_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                        reservation_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Posted) -> Response:
    """Logistics gives back what an incident holds: all of it, or the quantity typed."""
    typed = str(form.get("quantity") or "").strip()
    try:
        if typed and not (typed.isdigit() and 1 <= int(typed) <= 1_000_000):
            raise InvalidInput(RESOURCE_NOT_VALID, fields={"quantity": OPERATOR_INTEGER_FIELD(low=1, high=1_000_000)})
        ctx.command(lambda session, actor: registers.release(
            session=session, actor=actor, reservation_id=reservation_id, quantity=int(typed) if typed else None))
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        return _resource_page(ctx, resource_id, status=422, errors={reservation_id: say(exc.fields["quantity"])})
    return redirect(ctx, f"{PREFIX}/resources/{resource_id}?released=1")


@router.get("/plans")
def plans_page(ctx: Page, unit: str | None = None, older: int | None = None, newer: int | None = None) -> Response:
    """A unit's plan in force by section, its versions, and what changed between two of them."""
    ctx.require_user()
    unit = (unit or "").strip()[:200]
    with ctx.database.read() as session:
        versions = registers.plan_versions(session=session, unit=unit) if unit else []
        changes = None
        if versions and older and newer and 1 <= older <= MAX_ID and 1 <= newer <= MAX_ID:
            changes = registers.plan_diff(session=session, unit=unit, older=older, newer=newer)
    return render(ctx, "plans.html", unit=unit, versions=versions, sections=PLAN_SECTIONS, changes=changes,
                  older=older, newer=newer)


@router.get("/schedules")
def schedules_page(ctx: Page, unit: str | None = None) -> Response:
    """The prevention calendar: what starts when, the work it started last, and whether that is late."""
    ctx.require_user()
    unit = (unit or "").strip()[:200]
    with ctx.database.read() as session:
        found = schedules.calendar(session=session, unit=unit or None)
        started = registers.references(session=session, ids=(s.last_incident_id for s in found))
    return render(ctx, "schedules.html", schedules=found, started=started, unit=unit, now=ctx.database.clock.now())
