"""A person's inbox: the ready tasks of their seats (unclaimed or claimed by them), overdue and
soonest due first, a page at a time.

By index: each global seat is two range scans of `ix_human_tasks_role_state_order` (tasks with a
deadline by deadline, then those without by age), each stopping after `offset + limit` rows;
incident seats and tasks assigned by name are small sets. Their union is ordered and cut, and
only the rows on the page are read whole, in the same statement — the cost follows the page,
not the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Integer, Result, Select, String, Table, and_, bindparam, or_, select, union
from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.db.timestamps import utc_text
from engine.models import HumanTask, Incident
from engine.models.base import UTCDateTime
from engine.seats import seats_held
from forms.vocabulary import ACTIVE, TASK_READY

_TASKS = cast(Table, HumanTask.__table__)
#: What a listing shows of a task: every column but its submitted data.
LISTED = tuple(column for column in _TASKS.c if column.name != "data")
#: The same columns for `inbox_rows`: its times as ISO text in UTC, which the caller's parser reads.
_LISTED_TEXT = tuple(utc_text(column).label(column.name) if isinstance(column.type, UTCDateTime) else column
                     for column in LISTED)
#: Where a person sits: (role, None) for a seat held everywhere, (role, incident id) for one incident.
Seats = Iterable[tuple[str, int | None]]


def inbox(*, session: Session, actor: Actor, limit: int = 100, offset: int = 0) -> list[HumanTask]:
    """The page of the actor's inbox, as task objects."""
    found = _on_page(session, actor, limit, offset, objects=True, seats=None)
    return [] if found is None else list(found.scalars())


def inbox_rows(*, session: Session, actor: Actor, limit: int = 100, offset: int = 0,
               seats: Seats | None = None) -> list[dict[str, Any]]:
    """The same page as plain dictionaries of the `LISTED` columns, without building an object per
    task: what a listing serialises. Its times are ISO text in UTC (`2026-11-28 06:30:00.000000Z`,
    see `engine.db.timestamps`) for the serialiser to parse. A caller that knows the actor's
    `seats` (a principal read at the current seats version) passes them: one query less."""
    found = _on_page(session, actor, limit, offset, objects=False, seats=seats)
    if found is None:
        return []
    names = tuple(found.keys())
    return [dict(zip(names, row, strict=True)) for row in found]


def _on_page(session: Session, actor: Actor, limit: int, offset: int, *, objects: bool,
             seats: Seats | None) -> Result[Any] | None:
    """The page's tasks in inbox order (objects, or the `LISTED` columns); None: nobody's inbox."""
    if actor.user_id is None:
        return None
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    assignments = seats_held(session=session, user_id=actor.user_id) if seats is None else seats
    held = sorted({role for role, incident in assignments if incident is None})
    scoped = sorted((role, incident) for role, incident in assignments if incident is not None)
    params: dict[str, Any] = {"me": actor.user_id, "window": limit + offset, "limit": limit, "offset": offset}
    params |= {f"seat_{n}": role for n, role in enumerate(held)}
    for n, (role, incident) in enumerate(scoped):
        params |= {f"scoped_role_{n}": role, f"scoped_incident_{n}": incident}
    return session.execute(_query(len(held), len(scoped), objects), params)


@lru_cache(maxsize=256)
def _query(seats: int, scoped: int, objects: bool) -> Select[Any]:
    """The inbox statement for a person with `seats` global seats and `scoped` incident seats, its
    values bound at execution (`_on_page`): built once per shape, not per request."""
    me, window = bindparam("me", type_=Integer), bindparam("window", type_=Integer)
    active = select(Incident.id).where(Incident.id == HumanTask.incident_id, Incident.status == ACTIVE).exists()
    free = or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == me)
    due, undue = (HumanTask.due_at, HumanTask.created_at, HumanTask.id), (HumanTask.created_at, HumanTask.id)

    def branch(*where: Any, order: tuple[Any, ...]) -> Any:
        ordered = (select(HumanTask.id, HumanTask.due_at, HumanTask.created_at)
                   .where(HumanTask.state == TASK_READY, active, *where).order_by(*order).limit(window).subquery())
        return select(ordered.c.id, ordered.c.due_at, ordered.c.created_at)

    branches = []
    for n in range(seats):
        role = bindparam(f"seat_{n}", type_=String)
        branches += [branch(HumanTask.role == role, HumanTask.due_at.is_not(None), free, order=due),
                     branch(HumanTask.role == role, HumanTask.due_at.is_(None), free, order=undue)]
    everything = (HumanTask.due_at.is_(None), *due)
    if scoped:  # an OR of (role, incident) pairs at the top: one index search per pair
        pairs = [and_(HumanTask.role == bindparam(f"scoped_role_{n}"),
                      HumanTask.incident_id == bindparam(f"scoped_incident_{n}")) for n in range(scoped)]
        branches.append(branch(or_(*pairs), free, order=everything))
    branches.append(branch(HumanTask.assignee_id == me, order=everything))  # mine by name (a decision's maker)
    found = union(*branches).subquery()
    page = (select(found.c.id, found.c.due_at, found.c.created_at)
            .order_by(found.c.due_at.is_(None), found.c.due_at, found.c.created_at, found.c.id)
            .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)).subquery("page"))
    query = select(HumanTask) if objects else select(*_LISTED_TEXT)
    return (query.join(page, page.c.id == HumanTask.id)
            .order_by(page.c.due_at.is_(None), page.c.due_at, page.c.created_at, page.c.id))
