"""The resources register's page, on SQLite and PostgreSQL: logistics registers a reserve (wrong
fields named, what was typed kept), the list marks what is short, others are refused, Chinese."""

from __future__ import annotations

from typing import Any

from tests.api.test_resources import SANDBAGS


def test_the_register_page_lists_and_registers(browser: Any) -> None:
    logistics = browser("logistics")
    page = logistics.get("/ui/resources")
    assert page.status_code == 200 and "Resources register" in page.text
    bad = logistics.post("/ui/resources", {"kind": "reserve", "name": "", "quantity": "many"}, page="/ui/resources")
    assert bad.status_code == 422 and 'id="name-error"' in bad.text and 'id="quantity-error"' in bad.text
    form = {k: str(v) for k, v in SANDBAGS.items()}
    good = logistics.post("/ui/resources", form, page="/ui/resources")
    assert good.status_code == 303 and good.headers["location"] == "/ui/resources?saved=1"
    listed = logistics.get("/ui/resources?saved=1").text
    assert "Sandbags" in listed and 'class="short"' in listed
    assert browser("grid").post("/ui/resources", form, page="/ui/resources").status_code == 403
    zh = browser("logistics")
    zh.post("/ui/language", {"language": "zh", "next": "/ui/resources"}, page="/ui/resources")
    assert "应急资源台账" in zh.get("/ui/resources").text
