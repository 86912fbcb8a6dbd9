"""What incidents hold of the register, on the pages (SQLite and PostgreSQL): the register lists
reserved beside available, a resource's page shows each incident's reservation and lets logistics
give part of it back (too much is refused beside the field; others get no form and are refused),
the incident's page shows what it holds; in Chinese too."""

from __future__ import annotations

from typing import Any

from engine import registers
from engine.clock import ManualClock
from engine.db import Database
from tests.library_helpers import Library
from tests.test_reservations import _to_activation
from tests.test_resources import _register


def test_reservations_on_the_register_the_resource_and_the_incident(browser: Any, db: Database,
                                                                    clock: ManualClock) -> None:
    library = Library(db, clock)
    gym = _register(library, kind="shelter", name="School gym", measure="places", quantity=100, minimum=0)
    incident_id = _to_activation(library)
    library.complete(incident_id, "activate_response", as_user="li.community", evacuation_ordered=True,
                     evacuation_area="Buildings 2-4", reserves=[{"resource_id": gym, "quantity": 60}])
    ref = library.incident(incident_id).reference
    with db.read() as session:
        (holding,) = registers.holdings(session=session, incident_id=incident_id)
    reservation = holding.reservation.id

    logistics = browser("logistics")
    listed = logistics.get("/ui/resources").text
    assert '<td>40 places</td><td>60</td><td>0</td>' in listed  # available, reserved, in use
    page = logistics.get(f"/ui/resources/{gym}").text
    assert f'id="reservation-{reservation}"' in page and f"/ui/incidents/{ref}" in page
    assert '<dd id="reserved">60</dd>' in page and '<dd id="available">40 places' in page
    release = f"/ui/resources/{gym}/reservations/{reservation}/release"
    assert f'action="{release}"' in page

    refused = logistics.post(release, {"quantity": "61"}, page=f"/ui/resources/{gym}")
    assert refused.status_code == 422 and f'id="release-{reservation}-error"' in refused.text
    assert "at most 60" in refused.text
    given = logistics.post(release, {"quantity": "10"}, page=f"/ui/resources/{gym}")
    assert given.status_code == 303 and given.headers["location"] == f"/ui/resources/{gym}?released=1"
    after = logistics.get(f"/ui/resources/{gym}?released=1").text
    assert "Given back to the register." in after and '<dd id="reserved">50</dd>' in after

    grid = browser("grid")
    assert f'action="{release}"' not in grid.get(f"/ui/resources/{gym}").text
    assert grid.post(release, {"quantity": "1"}, page=f"/ui/resources/{gym}").status_code == 403
    held = grid.get(f"/ui/incidents/{ref}").text
    assert "Resources reserved for this incident" in held and f'href="/ui/resources/{gym}"' in held
    assert "<td>50 places</td><td>0</td><td>10</td>" in held  # still reserved, drawn, released

    # the task that draws sees what its incident holds; a task without draws does not
    library.complete(incident_id, "evacuate_residents")
    shelters = library.task(incident_id, "open_shelters").id
    admin = browser("admin")
    shown = admin.get(f"/ui/tasks/{shelters}").text
    assert 'id="reserved-for-incident"' in shown and "<td>50 places</td>" in shown
    assert 'id="reserved-for-incident"' not in admin.get(
        f"/ui/tasks/{library.completed(incident_id, 'activate_response')[0].id}").text

    zh = browser("logistics")
    zh.post("/ui/language", {"language": "zh", "next": "/ui/resources"}, page="/ui/resources")
    assert "为事件预留" in zh.get(f"/ui/resources/{gym}").text
    assert "本事件预留的应急资源" in zh.get(f"/ui/incidents/{ref}").text

