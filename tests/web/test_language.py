"""Which language the pages speak: the browser's (Accept-Language, by preference) until the person
chooses one, then their choice, on every browser they sign in from."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.db import Database
from engine.models import User

CHINESE = "zh-CN,zh;q=0.9,en;q=0.8"
ENGLISH = "en-US,en;q=0.9"


@pytest.mark.parametrize(("header", "lang"), [
    (CHINESE, "zh-CN"), ("zh", "zh-CN"), ("en-US,en;q=0.9,zh;q=0.5", "en"), ("fr-FR,zh-TW;q=0.7,en;q=0.3", "zh-CN"),
    ("de-DE,fr;q=0.8", "en"), ("en;q=0.2,zh;q=0.8", "zh-CN"), ("zh;q=0,en;q=0.1", "en"), ("", "en"),
    ("zh;q=abc", "en"),
])
def test_first_visit_follows_the_browsers_preference(browser: Any, header: str, lang: str) -> None:
    visitor = browser()
    assert f'<html lang="{lang}">' in visitor.get("/ui/login", headers={"accept-language": header}).text


def _sign_in_from(browser: Any, header: str, username: str = "duty") -> Any:
    person = browser()
    person.client.headers["accept-language"] = header
    assert person.sign_in(username).status_code == 303
    return person


def test_the_browsers_language_until_the_person_chooses(browser: Any, db: Database) -> None:
    assert "我的任务" in _sign_in_from(browser, CHINESE).get("/ui/tasks").text
    assert "My tasks" in _sign_in_from(browser, ENGLISH).get("/ui/tasks").text
    with db.read() as session:  # signing in chose nothing
        assert session.scalar(select(User.language).where(User.username == "duty")) == ""
    english = _sign_in_from(browser, CHINESE)
    english.post("/ui/language", {"language": "en", "next": "/ui/tasks"})
    assert "My tasks" in _sign_in_from(browser, CHINESE).get("/ui/tasks").text  # the choice sticks
    chinese = _sign_in_from(browser, ENGLISH)
    chinese.post("/ui/language", {"language": "zh", "next": "/ui/tasks"})
    assert "我的任务" in _sign_in_from(browser, ENGLISH).get("/ui/tasks").text
