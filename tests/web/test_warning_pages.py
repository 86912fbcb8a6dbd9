"""The warnings page: a duty officer receives a warning from the issuer (times in their own zone,
grids one per line), wrong fields are marked and kept; the list shows each warning's level in force,
and the issuer's change (raised, lifted) is entered on it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock import ManualClock
from engine.db import Database
from engine.definitions.bundled import deploy_bundled
from tests.scenario import ADMIN


def _local(clock: ManualClock, **delta: float) -> str:
    return (clock.now() + timedelta(**delta)).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_a_warning_is_received_raised_and_lifted_on_the_page(browser: Any, db: Database, clock: ManualClock) -> None:
    with db.transaction() as session:
        deploy_bundled(session=session, actor=ADMIN)
    duty = browser("duty")
    assert 'id="warning-form"' in duty.get("/ui/warnings").text
    typed = {"event": "rainstorm_flood", "warning_level": "orange", "headline": "Rainstorm orange warning",
             "area": "North district", "issuer": "District Meteorological Observatory",
             "issued": _local(clock), "expires": _local(clock, hours=-1), "grids": "Grid 1\nGrid 2",
             "unit": "Hehua Compound"}
    wrong = duty.post("/ui/warnings", typed)
    assert wrong.status_code == 422 and 'id="w-expires-error"' in wrong.text
    assert "Rainstorm orange warning" in wrong.text  # what was typed stays
    assert duty.post("/ui/warnings", typed | {"expires": _local(clock, hours=12)}).status_code == 303
    page = duty.get("/ui/warnings").text
    assert "EW-" in page and "Orange" in page
    ref = "EW-" + page.split('id="warning-EW-')[1].split('"')[0]

    assert duty.post(f"/ui/warnings/{ref}/changes", {"change": "raise", "level": "blue", "reason": "x"}
                     ).status_code == 422
    assert duty.post(f"/ui/warnings/{ref}/changes", {"change": "raise", "level": "red",
                                                     "reason": "Red warning at 14:00"}).status_code == 303
    assert "badge warning-red" in duty.get("/ui/warnings").text
    assert duty.post(f"/ui/warnings/{ref}/changes", {"change": "lift", "reason": "Lifted"}).status_code == 303
    assert f'id="change-{ref}"' not in duty.get("/ui/warnings").text  # closed: nothing more to change
