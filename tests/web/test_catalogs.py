"""The pages' gettext catalogs: every string the templates and the code use, and every message code,
has its Chinese — and rewording an English template takes its translation away until a translator
confirms it. Extraction is Babel's own, with the project's babel.cfg and [tool.babel] keywords, so
this test sees exactly what `pybabel extract` sees."""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

import api
import engine
import forms
from api.pages.i18n import LOCALE_DIR, Translator, read_catalog
from forms.messages import CODES, Template

ROOT = Path(__file__).resolve().parents[2]
PERCENT = re.compile(r"%\((\w+)\)s")
BRACE = re.compile(r"\{(\w+)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _extracted() -> set[tuple[str | None, str]]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["babel"]["extract_messages"]
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(settings["keywords"].split())}
    found: set[tuple[str | None, str]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


@cache
def _zh() -> Catalog:
    return read_catalog("zh")


def _problem(context: str | None, msgid: str) -> str | None:
    """What is wrong with the Chinese of one msgid, or None."""
    entry = _zh().get(msgid, context=context)
    if entry is None:
        return "missing"
    if entry.fuzzy:
        return "fuzzy (its English changed; confirm the translation)"
    text = entry.string if isinstance(entry.string, str) else entry.string[0]
    if not text.strip():
        return "not translated"
    for pattern in (PERCENT, BRACE):
        if set(pattern.findall(text)) != set(pattern.findall(msgid)):
            return f"placeholders differ: {sorted(pattern.findall(msgid))} vs {sorted(pattern.findall(text))}"
    return None


def _import_everything() -> None:
    """Message codes are defined when their modules are imported."""
    for package in (forms, engine, api):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def test_every_string_of_the_pages_has_its_chinese() -> None:
    extracted = _extracted()
    assert len(extracted) > 150, "extraction found too little: is babel.cfg right?"
    problems = {f"{ctx or ''}|{msgid}": why for ctx, msgid in sorted(extracted, key=str)
                if (why := _problem(ctx, msgid))}
    assert problems == {}, "add them, translated, to a .po file of " + str(LOCALE_DIR / "zh" / "LC_MESSAGES")


def test_the_catalog_holds_nothing_the_code_no_longer_says() -> None:
    extracted = _extracted()
    stale = sorted(f"{m.context or ''}|{m.id}" for m in _zh() if m.id and (m.context, m.id) not in extracted)
    assert stale == [], "remove them from the .po files"


def test_every_message_code_has_its_chinese() -> None:
    _import_everything()
    assert len(CODES) > 20
    problems = {code: why for code, template in CODES.items() if (why := _problem(code, template.english))}
    assert problems == {}
    zh = Translator("zh")
    assert all(CJK.search(zh.template(template)) for template in CODES.values())


def test_a_reworded_template_shows_in_english_and_is_caught() -> None:
    """What happens when someone rewords an English template without touching the catalog."""
    _import_everything()
    template = CODES["event.incident_started"]
    assert CJK.search(Translator("zh").template(template))
    reworded = Template(template.code, template.english.replace("reported", "filed"))
    assert Translator("zh").template(reworded) == reworded.english
    assert _problem(reworded.code, reworded.english) == "missing"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_code_and_templates_read_the_same_catalog(lang: str) -> None:
    _ = Translator(lang)
    assert _("My tasks") == {"en": "My tasks", "zh": "我的任务"}[lang]
    assert _("Level %(level)s", level="II") == {"en": "Level II", "zh": "II 级"}[lang]
    assert _.pgettext("page title", "Incidents") == {"en": "Incidents", "zh": "事件列表"}[lang]


def test_a_message_in_two_files_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part keeps its own .po file; the same msgid in two of them would make one silently win."""
    import api.pages.i18n as i18n
    folder = tmp_path / "zh" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    entry = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "My tasks"\nmsgstr "我的任务"\n'
    (folder / "a.po").write_text(entry, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert read_catalog("zh").get("My tasks").string == "我的任务"
    (folder / "b.po").write_text(entry, encoding="utf-8")
    with pytest.raises(ValueError, match="b.po repeats a message of a.po"):
        read_catalog("zh")
