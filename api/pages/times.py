"""Times as a person reads them: in their zone (their own, else the deployment's), and deadlines
relative to now ("还剩 12 分钟", "已超时 5 分钟"). Stored times and the API stay UTC.

Template filters read the page's zone, clock and language from the template context (`zone`,
`now`, `lang`, set by `render`), so a template writes `{{ t.due_at|when }}` or
`{{ t.due_at|deadline }}` (a <time> element with the UTC instant, and the relative part) and
never converts a time itself.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, tzinfo
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from api.pages.i18n import Translator

DEFAULT_FORMAT = "%Y-%m-%d %H:%M"


def local(moment: datetime | None, zone: tzinfo, fmt: str = DEFAULT_FORMAT) -> str:
    if moment is None:
        return "—"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime(fmt)


def relative(due: datetime, now: datetime, lang: str) -> str:
    """How long is left (rounded up) or overdue (rounded down, at least a minute): minutes, hours
    and minutes under two days, else days."""
    _ = Translator(lang)
    seconds = (due - now).total_seconds()
    minutes = max(1, math.ceil(seconds / 60) if seconds > 0 else int(-seconds // 60))
    if minutes < 60:
        amount = _("%(n)s min", n=minutes)
    elif minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        amount = _("%(h)s h %(m)s min", h=hours, m=rest) if rest else _("%(h)s h", h=hours)
    else:
        amount = _("%(n)s d", n=minutes // (24 * 60))
    return _("%(amount)s left", amount=amount) if seconds > 0 else _("%(amount)s overdue", amount=amount)


@pass_context
def when(context: Any, moment: datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
    """Plain text, so it can go into a translated sentence as well as into the page."""
    return local(moment, context["zone"], fmt)


@pass_context
def deadline(context: Any, due: datetime | None) -> Markup:
    """The local due time and how long is left (or how long overdue), marked for colour."""
    if due is None:
        return Markup("—")
    now: datetime = context["now"]
    aware = due if due.tzinfo is not None else due.replace(tzinfo=UTC)
    late = aware <= now
    return Markup('<time datetime="{}">{}</time> <span class="{}">{}</span>').format(
        aware.astimezone(UTC).isoformat().replace("+00:00", "Z"), local(aware, context["zone"]),
        "relative late" if late else "relative", relative(aware, now, context["lang"]))
