"""Lists and boards through TestClient on both databases: the inbox searched, filtered and sorted;
the active-incidents board (level, commander, open and overdue counts); dashboard bars in the
Chinese level colours that link to what they count."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from engine import incidents, seats
from engine.clock import ManualClock
from engine.db import Database
from engine.overview import board
from tests.scenario import ADMIN
from tests.web.test_pages import _complete


def _start(db: Database, title: str, unit: str = "Hehua Compound") -> str:
    with db.transaction() as session:
        duty = seats.actor_for(seats.get_user(session=session, username="duty"))
        return incidents.start(session=session, actor=duty, process_id="community_incident", title=title,
                               category="accident_disaster", unit=unit).reference


def _respond(db: Database, ref: str) -> None:
    for element, who in (("record_report", "duty"), ("report_to_district", "duty"),
                         ("activate_response", "commander")):
        _complete(db, ref, element, who)


def _refs(page: str) -> list[str]:
    return re.findall(r'class="meta">\s*<a href="/ui/incidents/([A-Z]+-\d+-\d+)"', page)


def test_the_inbox_is_searched_filtered_and_sorted(browser: Any, db: Database, clock: ManualClock) -> None:
    gas, flood = _start(db, "Gas leak"), _start(db, "Flooded garage", unit="Lotus Grid")
    _respond(db, gas)
    clock.advance(timedelta(minutes=45))  # the gas leak's department tasks are overdue now
    _respond(db, flood)
    fire = browser("fire")
    assert _refs(fire.get("/ui/tasks").text) == [gas, flood]  # overdue first
    assert _refs(fire.get("/ui/tasks?sort=newest").text) == [flood, gas]
    assert _refs(fire.get("/ui/tasks?q=lotus").text) == [flood]  # the unit is searched too
    assert _refs(fire.get("/ui/tasks?show=overdue").text) == [gas]
    none = fire.get("/ui/tasks?q=nothing-like-this").text
    assert 'id="inbox-none"' in none and "2 open in all" in none
    assert _refs(fire.get("/ui/tasks?show=bogus&sort=bogus").text) == [gas, flood]  # unknown values ignored


def test_the_board_counts_open_and_overdue_work(browser: Any, db: Database, clock: ManualClock) -> None:
    quiet, busy = _start(db, "Quiet"), _start(db, "Busy")
    _respond(db, busy)
    with db.transaction() as session:
        seats.seat(session=session, actor=ADMIN, username="fire", role="commander",
                   incident_id=incidents.resolve(session=session, ref=busy).id)
    clock.advance(timedelta(minutes=31))
    with db.read() as session:
        rows = {r.incident.reference: r for r in board.active(session=session)}
    assert (rows[busy].open_tasks, rows[busy].overdue_tasks, rows[busy].commanders) == (2, 1, ["fire"])
    assert (rows[quiet].open_tasks, rows[quiet].overdue_tasks) == (1, 0)
    page = browser("grid").get("/ui/board").text
    card = page.split(f'data-reference="{busy}"')[1].split("</li>")[0]
    assert 'class="chip lvl-II"' in card and "overdue-count" in card and ">2<" in card


def test_dashboard_bars_use_the_level_colours_and_link_to_the_list(browser: Any, db: Database) -> None:
    _respond(db, _start(db, "Graded"))
    _start(db, "Not graded")
    page = browser("duty").get("/ui/dashboard").text
    chart = page.split('id="chart-level"')[1].split("</svg>")[0]
    assert 'class="bar lvl-II"' in chart and 'class="bar lvl-none"' in chart
    link = re.search(r'<a href="([^"]+level=II)" class="chart-link"', chart)
    assert link
    listed = browser("duty").get(link.group(1).replace("&amp;", "&")).text
    assert "Graded" in listed and "Not graded" not in listed
