"""The volunteer and social-organisation register as a page (志愿者/社会组织台账): who can be called as
the second echelon, with what skills and how to reach them, who is out with an incident now; the
volunteer coordinator registers new lines here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.i18n import Translator
from api.pages.render import PREFIX, Page, PageRoute, Posted, redirect, render
from engine import registers
from engine.errors import InvalidInput
from engine.messages import OPERATOR_INTEGER_FIELD, VOLUNTEER_NOT_VALID
from forms.messages import FIELD_REQUIRED
from forms.vocabulary import VOLUNTEER_KINDS, VOLUNTEER_SKILLS

router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)
FIELDS = ("kind", "name", "contact", "unit", "people")


def _page(ctx: Page, *, status: int = 200, errors: dict[str, str] | None = None, typed: dict[str, Any] | None = None,
          skill: str | None = None, saved: bool = False) -> Response:
    ctx.require_user()
    with ctx.database.read() as session:
        found = registers.list_volunteers(session=session, skill=skill or None)
    return render(ctx, "volunteers.html", status=status, volunteers=found, kinds=VOLUNTEER_KINDS,
                  skills=VOLUNTEER_SKILLS, errors=errors or {}, typed=typed or {}, skill=skill or "", saved=saved)


@router.get("/volunteers")
def volunteers_page(ctx: Page, skill: str | None = None, saved: str | None = None) -> Response:
    return _page(ctx, skill=skill if skill in VOLUNTEER_SKILLS else None, saved=saved == "1")


def _parsed(typed: dict[str, Any]) -> dict[str, Any]:
    """The form's text as the register's values; every problem named by its field."""
    problems = {}
    for name in ("name", "contact", "unit"):
        if not typed.get(name):
            problems[name] = FIELD_REQUIRED()
    if typed.get("kind") not in VOLUNTEER_KINDS:
        problems["kind"] = FIELD_REQUIRED()
    skills = [s for s in typed["skills"] if s in VOLUNTEER_SKILLS]
    if not skills:
        problems["skills"] = FIELD_REQUIRED()
    raw = typed.get("people") or "1"
    people = int(raw) if raw.isdigit() and 1 <= int(raw) <= 10_000 else None
    if people is None:
        problems["people"] = OPERATOR_INTEGER_FIELD(low=1, high=10_000)
    if problems:
        raise InvalidInput(VOLUNTEER_NOT_VALID, fields=problems)
    return {"kind": typed["kind"], "name": typed["name"][:200], "skills": skills, "contact": typed["contact"][:200],
            "unit": typed["unit"][:200], "people": people}


@router.post("/volunteers")
def register_volunteer(ctx: Page, form: Posted) -> Response:
    """The volunteer coordinator registers a volunteer or a social organisation."""
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FIELDS}
    typed["skills"] = [str(s) for s in form.getlist("skills")]
    try:
        values = _parsed(typed)
        ctx.command(lambda session, actor: registers.register_volunteer(session=session, actor=actor, **values))
    except InvalidInput as exc:
        say = Translator(ctx.lang).say
        return _page(ctx, status=422, errors={k: say(v) for k, v in exc.fields.items()}, typed=typed)
    return redirect(ctx, f"{PREFIX}/volunteers?saved=1")
