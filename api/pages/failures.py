"""A failed incident on its page: set a process variable (the fix), retry, or — administrators —
move it to a newer version of its process. The twins of the API's /retry, /variables, /migrate."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.pages.incidents import incident_page
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect
from engine import incidents
from engine.actors import Actor
from engine.errors import Conflict, InvalidInput, NotFound
from engine.messages import VARIABLE_VALUE_JSON
from engine.models import Incident, IncidentFailure

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def _back(ctx: Page, ref: str, flash: str) -> Response:
    return redirect(ctx, f"{PREFIX}/incidents/{ref}?done={flash}#failure")


def _id(session: Session, ref: str) -> int:
    return incidents.resolve(session=session, ref=ref).id


@router.post("/incidents/{ref}/variables")
def set_variable(ctx: Page, ref: str, form: Posted) -> Response:
    values = {k: str(form.get(k) or "") for k in ("name", "value", "reason")}

    def change(session: Session, actor: Actor) -> Incident:
        try:
            value = json.loads(values["value"])
        except json.JSONDecodeError as exc:
            raise InvalidInput(VARIABLE_VALUE_JSON, fields={"value": VARIABLE_VALUE_JSON()}) from exc
        return incidents.set_variable(session=session, actor=actor, incident_id=_id(session, ref),
                                      name=values["name"].strip(), value=value, reason=values["reason"])

    try:
        ctx.command(change)
    except (InvalidInput, Conflict) as exc:
        return incident_page(ctx, ref, status=422, variable=values,
                             variable_errors=exc.fields or {"name": exc.message})
    return _back(ctx, ref, "variable_set")


@router.post("/incidents/{ref}/retry")
def retry(ctx: Page, ref: str, form: Posted) -> Response:
    reason = str(form.get("reason") or "")
    try:
        failure: IncidentFailure | None = ctx.command(lambda session, actor: incidents.retry(
            session=session, actor=actor, incident_id=_id(session, ref), reason=reason))
    except (InvalidInput, Conflict) as exc:
        return incident_page(ctx, ref, status=422, retry={"reason": reason},
                             retry_errors=exc.fields or {"reason": exc.message})
    return _back(ctx, ref, "retried" if failure is None else "retry_failed")


@router.post("/incidents/{ref}/migrate")
def migrate(ctx: Page, ref: str, form: Posted) -> Response:
    version = str(form.get("to_version") or "")
    try:
        ctx.command(lambda session, actor: incidents.migrate(
            session=session, actor=actor, incident_id=_id(session, ref),
            to_version=int(version) if version.isdigit() else 0))
    except (InvalidInput, Conflict, NotFound) as exc:
        return incident_page(ctx, ref, status=422, migrate={"to_version": version},
                             migrate_errors={"to_version": exc.message})
    return _back(ctx, ref, "migrated")
