"""The volunteer register's page, on SQLite and PostgreSQL: the coordinator registers a social
organisation (wrong fields named, what was typed kept), the list shows skills and availability,
others are refused, Chinese."""

from __future__ import annotations

from typing import Any


def test_the_volunteer_page_lists_and_registers(browser: Any) -> None:
    coordinator = browser("volunteers")
    page = coordinator.get("/ui/volunteers")
    assert page.status_code == 200 and "Volunteer register" in page.text
    bad = coordinator.post("/ui/volunteers", {"kind": "organisation", "name": "Red Cross", "people": "many"},
                           page="/ui/volunteers")
    assert bad.status_code == 422 and 'id="people-error"' in bad.text and 'id="skills-error"' in bad.text
    assert 'value="Red Cross"' in bad.text  # what was typed is kept
    form = {"kind": "organisation", "name": "Hehua Red Cross", "contact": "138 0000 0001", "unit": "Hehua Compound",
            "people": "4", "skills": ["first_aid", "care_for_vulnerable"]}
    good = coordinator.post("/ui/volunteers", form, page="/ui/volunteers")
    assert good.status_code == 303 and good.headers["location"] == "/ui/volunteers?saved=1"
    listed = coordinator.get("/ui/volunteers?saved=1").text
    assert "Hehua Red Cross" in listed and "First aid" in listed
    assert browser("grid").post("/ui/volunteers", form, page="/ui/volunteers").status_code == 403
    zh = browser("volunteers")
    zh.post("/ui/language", {"language": "zh", "next": "/ui/volunteers"}, page="/ui/volunteers")
    text = zh.get("/ui/volunteers").text
    assert "志愿者台账" in text and "急救" in text and "社会组织" in text
