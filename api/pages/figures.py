"""The after-action report's key figures: what a reader above wants first — how long it lasted,
how much work was done and how much of it late, decisions and those flagged for review,
improvement actions, and the latest damage figures as reported."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from api.pages.i18n import Translator
from engine import response, tasks
from engine.overview import damage, reports
from forms import FormNotFound, i18n, load_schema

#: Completed tasks counted for the figures (a long incident's history is summarised, not listed).
MOST_TASKS = 5000


def _duration(start: datetime, end: datetime, _: Translator) -> str:
    minutes = max(0, int((end - start).total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return _("%(n)s d", n=hours // 24)
    return _("%(h)s h %(m)s min", h=hours, m=rest) if hours else _("%(n)s min", n=rest)


def key_figures(session: Session, found: reports.AfterActionReport, lang: str, now: datetime) -> list[tuple[str, str]]:
    _ = Translator(lang)
    incident = found.incident
    done = tasks.completed_tasks(session=session, incident_id=incident.id, limit=MOST_TASKS)
    orders = [o for d in found.decisions for o in d.orders]
    late = sum(1 for t in done if t.due_at is not None and t.completed_at is not None and t.completed_at > t.due_at)
    figures = [
        (_("Duration"), _duration(incident.created_at, incident.ended_at or now, _)),
        (_("Tasks completed"), str(len(done))),
        (_("Completed late"), str(late)),
        (_("On-scene decisions"), str(len(found.decisions))),
        (_("Flagged for review"), str(sum(1 for d in found.decisions if d.flagged_for_review))),
        (_("Orders given / done"), f"{len(orders)} / {sum(1 for o in orders if o.status == 'done')}"),
        (_("Improvement actions"), str(len(found.actions))),
    ]
    figures += [(i18n.label("response_count", name, lang), str(value))
                for name, value in response.response_counts(session=session, incident_id=incident.id).items()]
    submitted = damage.statistics(session=session, incident_id=incident.id).submissions
    if submitted:
        latest = submitted[-1]
        try:
            properties: Mapping[str, object] = load_schema(latest.form_key).get("properties") or {}
        except FormNotFound:
            properties = {}
        for name, spec in properties.items():
            value = (latest.data or {}).get(name)
            if isinstance(spec, Mapping) and spec.get("type") in ("integer", "number") and isinstance(
                    value, int | float) and not isinstance(value, bool):
                figures.append((i18n.schema_title(spec, lang, name), f"{value:g}"))
    return figures
