"""Warnings over HTTP: received from the issuer (CAP fields), listed with the level in force,
raised and lifted; wrong fields are 422 naming them; only the receiving seats may change them."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import ManualClock
from forms.samples import SAMPLES
from tests.api.conftest import Api


def _body(clock: ManualClock, **changes: object) -> dict[str, object]:
    return {**SAMPLES["warning_received"], "issued": clock.now().isoformat(),
            "expires": (clock.now() + timedelta(hours=12)).isoformat(), "unit": "Hehua Compound", **changes}


def test_a_warning_is_received_raised_and_lifted(api: Api, deployed: None, clock: ManualClock) -> None:
    received = api.as_("duty").post("/warnings", _body(clock))
    assert received.status_code == 201, received.text
    warning = received.json()
    assert (warning["level"], warning["status"], warning["reference"][:3]) == ("orange", "active", "EW-")
    ref = warning["reference"]
    inbox = [t for t in api.as_("grid").get("/tasks/inbox").json() if t["task_spec"] == "confirm_grid_reached"]
    assert sorted(t["subject"] for t in inbox) == ["Grid 1", "Grid 2"]

    assert api.as_("fire").post(f"/warnings/{ref}/changes", {"change": "lift", "reason": "x"}).status_code == 403
    wrong = api.as_("duty").post(f"/warnings/{ref}/changes", {"change": "lower", "level": "red", "reason": "x"})
    assert wrong.status_code == 422 and "level" in wrong.json()["error"]["fields"]
    raised = api.as_("duty").post(f"/warnings/{ref}/changes", {"change": "raise", "level": "red",
                                                               "reason": "Red warning at 14:00"})
    assert raised.status_code == 200 and raised.json()["level"] == "red"
    assert [w["level"] for w in api.as_("fire").get("/warnings?in_force=true").json()] == ["red"]
    lifted = api.as_("duty").post(f"/warnings/{ref}/changes", {"change": "lift", "reason": "Lifted at 20:00"})
    assert lifted.json()["status"] == "closed"
    assert api.as_("fire").get("/warnings?in_force=true").json() == []
    assert api.as_("fire").get(f"/warnings/{ref}").json()["last_change"] == "lift"


def test_a_wrong_warning_is_422_naming_the_field(api: Api, deployed: None, clock: ManualClock) -> None:
    past = api.as_("duty").post("/warnings", _body(clock, expires=(clock.now() - timedelta(hours=1)).isoformat(),
                                                    issued=(clock.now() - timedelta(hours=5)).isoformat()))
    assert past.status_code == 422 and list(past.json()["error"]["fields"]) == ["expires"]
    level = api.as_("duty").post("/warnings", _body(clock, warning_level="purple"))
    assert level.status_code == 422 and list(level.json()["error"]["fields"]) == ["body.warning_level"]
    assert api.as_("fire").post("/warnings", _body(clock)).status_code == 403
    assert api.as_("duty").get("/warnings").json() == []
