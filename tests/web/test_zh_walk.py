"""Every page in Chinese says nothing in English: a walk of the pages as each seat that sees them.

The data: the demo's whole lifecycle (a warning that became an incident, its recovery, review,
fault-tolerance ruling and plan revision, all closed), plus work still open — a level II incident
in its response with a deadline passed, a warning and a hazard screening round just started. Every
person of the demo signs in from a Chinese browser and follows every link of the pages they can
reach (task forms, incidents, reports, audit trails, models, settings), plus the error pages.

What may be Latin script on a Chinese page: what people typed (the demo's answers, titles, units,
names — collected from the demo's own data), ids (references, usernames, task and file names,
hashes, e-mail addresses, IANA zone names), numbers and units, level numerals, and the product's
name. Anything else is system text that did not go through the catalog or the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import update

from api.app import create_app
from api.pages import install
from engine import demo, incidents, seats, tasks, warnings
from engine.clock import ManualClock
from engine.db import Database, migrate
from engine.incidents import timers
from engine.models import User
from forms.samples import SAMPLES
from tests.api.conftest import PASSWORD, PASSWORD_HASH, SETTINGS

pytestmark = pytest.mark.slow

CHINESE_BROWSER = {"accept-language": "zh-CN,zh;q=0.9"}
#: Never followed: downloads, the polling endpoint, forms' targets.
SKIP = re.compile(r"\.(pdf|xlsx|csv|jsonl)$|/attachments/|/static/|/live|/logout|/language|/login")
MAX_PAGES = 60
ALLOWED = [
    r"\b[A-Z]{2,4}-\d{4}-\d{3,}\b",  # references
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",  # task ids
    r"\b[0-9a-f]{16,}\b",  # hashes
    r"\b[a-z]+\.[a-z]+\b",  # usernames (wang.duty)
    r"\b[\w.-]+@[\w.-]+\b",  # e-mail addresses
    r"(?<![A-Za-z])[\w-]*\.(bpmn|dmn|json|zip)\b",  # model and form files
    r"\b[A-Z][A-Za-z]+(/[A-Z][A-Za-z_-]+)+\b", r"\bUTC\b",  # IANA zones
    r"\bsystem:[a-z-]+\b",  # the engine's own actors (the timer worker)
    r"\bRenxing\b", r"\bEnglish\b",  # the product; the language switch names its language
    r"\b(SHA-256|PDF|CSV|Excel|JSON Lines|JPEG|PNG|WebP|HEIC|ICS-214)\b",  # formats and standards
    r"\bv\d+\b",  # versions
]
#: Cut out after what people typed (which has numerals and numbers of its own).
NUMBERS = [
    r"\b(I|II|III|IV)\b",  # level numerals
    r"\b\d+(\.\d+)?\s*(KB|MB|GB|km|m|h|min|s|ms|%)\b",  # numbers with units
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _typed() -> list[str]:
    """Everything people typed in this walk's data, longest first (so it is cut out whole)."""
    found = set(_strings(SAMPLES)) | set(_strings([demo.LEVEL_III_REPORT, demo.ACTION, demo.PLAN,
                                                    demo.PLAN_SECTIONS, demo.WATER, demo.GYM,
                                                    demo.RESERVE_NOTES, demo.RULING]))
    found |= {name for name, _ in demo.PEOPLE.values()} | {demo.UNIT}
    found |= {"Gas concentration alarm at Hehua Compound", "Building 3", "Gas concentration alarm in the stairwell "
              "of building 3.", "Explosion in building 3.", "Gas leak plan of Hehua Compound, v1",
              "Buildings 2-4", "All residents accounted for.", "Admin", "admin", "Fire lane blocked by parked cars; "
              "the engine cannot reach building 3.", "Wait for the owners", "Tow the cars now",
              "Attack from the street", "Tow the cars now, without waiting for the owners",
              "Four residents trapped; every minute counts.", "Level III response in force; on-scene command authority",
              "Engine reaches building 3 within 10 minutes", "Tow the parked cars out of the fire lane",
              "District Emergency Management Bureau", "Gas concentration still rising", "Grid 3", "Grid 4", "NOPE"}
    return sorted((s for s in found if re.search(r"[A-Za-z]", s)), key=len, reverse=True)


def _visible_text(page: str) -> list[str]:
    """The text a person reads or hears: text nodes (not scripts, styles or the model's XML) and
    the attributes a screen reader or a tooltip says."""
    tree = html.fromstring(page)
    for gone in tree.xpath("//script | //style | //template | //code"):  # <code>: ids shown as ids
        gone.drop_tree()
    texts = [t for t in tree.xpath("//text()") if t.strip()]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        texts += [element.get(a) for a in ("title", "aria-label", "placeholder", "alt") if element.get(a)]
        if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            texts.append(element.get("value"))
        texts += [v for k, v in element.attrib.items() if k in ("data-new", "data-overdue", "data-failed",
                                                                  "data-confirm", "data-label")]
    return texts


def latin_words(texts: Iterable[str], typed: list[str]) -> list[str]:
    """System words in Latin script: what remains once user data and ids are cut out."""
    found = []
    for text in texts:
        for pattern in ALLOWED:
            text = re.sub(pattern, " ", text)
        for value in typed:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
        for pattern in NUMBERS:
            text = re.sub(pattern, " ", text)
        if re.search(r"[A-Za-z]{2,}", text):
            found.append(" ".join(text.split()))
    return found


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Any]]:
    path = tmp_path_factory.mktemp("walk")
    db = Database(f"sqlite:///{path / 'walk.db'}")
    migrate.upgrade(db.engine)
    demo.run_demo(db)
    _open_work(db)
    with db.transaction() as session:
        seats.create_user(session=session, actor=demo.ADMIN, username="admin", display_name="Admin", is_admin=True)
        session.execute(update(User).values(password_hash=PASSWORD_HASH))
    app = create_app(db, settings=SETTINGS.model_copy(update={"attachments_dir": str(path / "attachments")}))
    install(app)
    yield db, app
    db.dispose()


def _open_work(db: Database) -> None:
    """A level III incident in its response, deadlines passed; a warning and a screening round just begun."""
    by_seat = {seat: username for username, (_, held) in demo.PEOPLE.items() for seat in held}
    with db.read() as session:
        actors = {u: seats.actor_for(seats.get_user(session=session, username=u)) for u in demo.PEOPLE}

    def start(process_id: str, title: str) -> int:
        with db.transaction() as session:
            return incidents.start(session=session, actor=actors["wang.duty"], process_id=process_id, title=title,
                                   category="accident_disaster", unit=demo.UNIT).id

    def play(incident_id: int, element: str, **changes: Any) -> None:
        with db.transaction() as session:
            task = next(t for t in tasks.open_tasks(session=session, incident_id=incident_id) if t.task_spec == element)
            person = (seats.holders(session=session, role=task.role, incident_id=incident_id)[0].username
                      if task.role == "commander" else by_seat[task.role])
            tasks.complete(session=session, actor=actors[person], task_id=task.id,
                           data={**SAMPLES[task.form_key], **changes})

    incident = start("incident_lifecycle", "Gas concentration alarm at Hehua Compound")
    play(incident, "record_report", **demo.LEVEL_III_REPORT)
    play(incident, "appoint_commander", commander_username="qin.city")
    play(incident, "activate_response", evacuation_ordered=True, evacuation_area="Buildings 2-4")
    play(incident, "medical_care")
    clock = db.clock
    assert isinstance(clock, ManualClock)  # the demo runs on a simulated clock
    clock.advance(timedelta(minutes=31))  # the fire team's deadline passes: its escalation opens
    timers.sweep(db)
    with db.transaction() as session:  # a warning the issuer published, being relayed to the grids
        warnings.receive(session=session, actor=actors["wang.duty"], unit=demo.UNIT, warning={
            **SAMPLES["warning_received"], "issued": clock.now().isoformat(),
            "expires": (clock.now() + timedelta(hours=12)).isoformat()})
    start("hazard_screening", "Gas concentration alarm at Hehua Compound")


def _walk(app: Any, username: str) -> dict[str, str]:
    """url -> page, for every page `username` reaches from the inbox (and a few error pages)."""
    client = TestClient(app, follow_redirects=False, headers=CHINESE_BROWSER)
    login = client.get("/ui/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    assert client.post("/ui/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                          "next": "/ui/tasks"}).status_code == 303
    pages: dict[str, str] = {"/ui/login (signed out)": login}
    queue = ["/ui/tasks", "/ui/incidents/NOPE-1", "/ui/tasks/00000000-0000-0000-0000-000000000000", "/ui/me",
             "/ui/nowhere"]
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages:
            continue
        answer = client.get(url)
        if answer.status_code in (301, 302, 303, 307):
            continue
        pages[url] = answer.text
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        for link in html.fromstring(answer.text).xpath("//a/@href"):
            target = urldefrag(link)[0]
            if target.startswith("/ui/") and not SKIP.search(target.split("?")[0]) and target not in pages:
                queue.append(target)
    return pages


def test_the_filter_finds_system_text_and_lets_user_data_through() -> None:
    typed = ["Tow the cars now"]
    assert latin_words(["决策：Tow the cars now", "INC-2026-0001 · wang.duty", "12 MB", "II 级"], typed) == []
    assert latin_words(["Incident after warning 预警", "必须是以下之一：fire"], typed) == [
        "Incident after warning 预警", "必须是以下之一：fire"]


def test_every_page_in_chinese_as_every_seat(walk_app: tuple[Database, Any]) -> None:
    _, app = walk_app
    typed = _typed()
    found: dict[str, list[str]] = {}
    for username in [*demo.PEOPLE, "admin"]:
        for url, page in _walk(app, username).items():
            if not page.lstrip().lower().startswith("<!doctype html"):
                continue
            words = latin_words(_visible_text(page), typed)
            for text in words:
                found.setdefault(text, []).append(f"{username} {url}")
    report = "\n".join(f"{text!r}  ← {where[0]} (+{len(where) - 1})" for text, where in sorted(found.items()))
    Path(__file__).resolve().parents[1].joinpath("artifacts").mkdir(exist_ok=True)
    Path(__file__).resolve().parents[1].joinpath("artifacts", "zh_walk.txt").write_text(report or "clean\n")
    assert not found, f"Latin-script system text on Chinese pages:\n{report}"
