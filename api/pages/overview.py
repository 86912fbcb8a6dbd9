"""The dashboard, and the process models: versions, diagrams, and deploying a bundle (admins)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, render
from api.uploads import read_bundle
from engine import definitions
from engine.errors import Forbidden, InvalidDefinition, InvalidInput
from engine.messages import DEPLOY_ADMIN_ONLY
from engine.overview import board, dashboard, diagram
from forms.i18n import label

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


@router.get("/dashboard")
def dashboard_page(ctx: Page, exercise: str | None = None) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        counts = dashboard.overview(session=session, include_exercises=exercise == "1")
    lang = ctx.lang
    _ = Translator(lang)
    buckets = {"overdue": _.pgettext("improvement action", "overdue"), "soon": _("due within 30 days"),
               "later": _("later")}
    listed = f"{PREFIX}/incidents?status=active" + ("" if exercise == "1" else "&exercise=0")
    charts = [
        ("chart-level", _("Active incidents by response level"),
         [(_("Level %(level)s", level=k) if k else _("not graded yet"), v, f"{listed}&level={k}", f"lvl-{k or 'none'}")
          for k, v in counts.by_level.items()]),
        ("chart-phase", _("Active incidents by phase"),
         [(label("phase", k, lang), v, f"{listed}&phase={k}", "") for k, v in counts.by_phase.items()]),
        ("chart-overdue", _("Overdue tasks by seat"),
         [(label("role", k, lang), v, f"{PREFIX}/board", "") for k, v in counts.overdue_by_seat.items()]),
        ("chart-hazards", _("Open hazards by grade"),
         [(label("grade", k, lang), v, "", "") for k, v in counts.hazards_by_grade.items()]),
        ("chart-actions", _("Improvement actions by due date"),
         [(buckets[k], v, "#actions-due", "") for k, v in counts.actions_due.items()]),
    ]
    return render(ctx, "dashboard.html", d=counts, charts=charts, exercise=exercise == "1")


@router.get("/board")
def board_page(ctx: Page, exercise: str | None = None) -> Response:
    """The active-incidents board: level, commander, open and overdue tasks, the next deadline."""
    ctx.require_user()
    with ctx.database.read() as session:
        rows = board.active(session=session, include_exercises=exercise == "1")
    return render(ctx, "board.html", rows=rows, exercise=exercise == "1")


@router.get("/definitions")
def list_page(ctx: Page) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        found = definitions.list_definitions(session=session)
    return render(ctx, "definitions.html", definitions=found)


def _require_admin(ctx: Page) -> None:
    if not ctx.require_user().is_admin:
        raise Forbidden(DEPLOY_ADMIN_ONLY)


@router.get("/definitions/deploy")
def deploy_form(ctx: Page) -> Response:
    _require_admin(ctx)
    return render(ctx, "deploy.html", problems=None, deployed=None, error=None)


@router.post("/definitions/deploy")
def deploy(ctx: Page, form: Posted) -> Response:
    """Multipart upload -> engine.definitions.deploy; problems shown per file and element."""
    _require_admin(ctx)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        bundle = read_bundle(uploads)
        deployed = ctx.command(lambda session, actor: [
            ((d.process_id, d.version), definitions.warnings_of(d))
            for d in definitions.deploy(session=session, actor=actor, files=bundle)])
    except InvalidDefinition as exc:
        return render(ctx, "deploy.html", status=422, problems=exc.problems, deployed=None, error=None)
    except InvalidInput as exc:
        return render(ctx, "deploy.html", status=422, problems=None, deployed=None, error=exc.message)
    return render(ctx, "deploy.html", problems=None, deployed=[shown for shown, _ in deployed], error=None,
                  warnings=[w for _, found in deployed for w in found])


@router.get("/definitions/{process_id}/{version}")
def show(ctx: Page, process_id: str, version: int) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        definition = definitions.get(session=session, process_id=process_id, version=version)
        versions = definitions.list_definitions(session=session, process_id=process_id)
    return render(ctx, "definition.html", d=definition, versions=versions,
                  diagrams=diagram.for_definition(definition))
