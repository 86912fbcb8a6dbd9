"""The pages in the reader's language: gettext catalogs maintained with Babel.

Where the words are: every system string of the pages is a gettext msgid in English — in the
templates (`{{ _("My tasks") }}`, Jinja2's i18n extension, newstyle: `%(name)s` placeholders) and
in page code (`_ = Translator(lang)`; `_("Level %(level)s", level=...)`); every message code
(`forms.messages.code`: engine errors, field messages, timeline events) is a msgctxt with its
English template as msgid. The Chinese lives in the ``.po`` files of ``locale/zh/LC_MESSAGES/``,
merged into one catalog (several files, so that work on different parts adds entries without
rewriting one shared file; a msgid in two files is an error). English needs no catalog because
the msgids are English. Domain labels (levels, seats, …) come from
`forms.vocabulary`, form titles from the form schemas (`forms.i18n`).

Why the .po files are compiled in memory when the pages are installed, not shipped as .mo: no
build step to forget and no binary file to drift from its source; compiling a few hundred entries
takes milliseconds. Fuzzy entries (a template reworded since it was translated) are left out, so
such a message shows in English until a translator confirms it — and tests/web/test_catalogs.py
fails until then. To add strings: `pybabel extract` (it reads [tool.babel] in pyproject.toml and
babel.cfg) shows what the code says; tests/web/test_catalogs.py names what has no Chinese; add those
entries, translated, to the .po file of their part (renxing.po holds the first pages' strings).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import escape

from forms.i18n import label, lang_of
from forms.messages import CODES, Message, Template
from forms.vocabulary import LANGUAGES, RULING_LABELS, SEAT_LABELS

#: Message parameters that name a seat by its role key.
_SEATS = frozenset({"role", "seat", "owner_seat"})
#: … and those that name a fault-tolerance ruling by its code.
_RULINGS = frozenset({"ruling", "proposed"})
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "renxing"


def catalog_paths(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))


def read_catalog(lang: str) -> Catalog:
    """Every .po file of `lang` as one catalog; a message defined in two files is refused."""
    merged = Catalog(locale=lang, domain=DOMAIN)
    origin: dict[tuple[str | None, str], str] = {}
    for path in catalog_paths(lang):
        with path.open("rb") as source:
            part = read_po(source, locale=lang, domain=DOMAIN)
        for message in part:
            if not message.id:
                continue  # the file's header
            key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
            if key in origin:
                raise ValueError(f"{path.name} repeats a message of {origin[key]}: {key[0] or ''}|{key[1]}")
            origin[key] = path.name
            merged[message.id] = message
    return merged


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang`; a language without .po files reads the English msgids."""
    if not catalog_paths(lang):
        return gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read_catalog(lang))  # leaves fuzzy entries out
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_all() -> None:
    """Compile every catalog now, so a broken .po file stops the start, not a page view."""
    for lang in LANGUAGES:
        translations(lang)


class Translator:
    """Page code's gettext for one language: `_ = Translator(lang)`, then `_("text")`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang_of(lang)
        self.catalog = translations(self.lang)

    def __call__(self, message: str, **values: Any) -> str:
        """Like the templates' newstyle `_()`: always %-formatted (a literal % is written %%)."""
        return self.catalog.gettext(message) % values

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        return self.catalog.pgettext(context, message) % values

    def template(self, template: Template) -> str:
        """A message code's template in this language (the English one when not translated)."""
        return self.catalog.pgettext(template.code, template.english)

    def say(self, text: str) -> str:
        """A message in this language: by its code when it has one; other text stays as it is."""
        if not isinstance(text, Message):
            return text
        params = {name: self.say(value) if isinstance(value, str) else value for name, value in text.params.items()}
        for name in list(params):
            if self.lang == "zh" and params.get(f"{name}_zh"):  # the value's own Chinese (a task's title)
                params[name] = params[f"{name}_zh"]
            if name in _SEATS and params[name] in SEAT_LABELS:  # a seat by its name, never its code
                params[name] = label("role", params[name], self.lang)
            if name in _RULINGS and params[name] in RULING_LABELS:
                params[name] = label("ruling", params[name], self.lang)
        return self.catalog.pgettext(text.code, text.template).format(**params)

    def stored(self, text: str) -> str:
        """Text read back from the database (a flag's reason, a generated title): the engine's own
        words — the English of a message without parameters, or of a `title.*` template with its
        values — get translated; people's words stay as they wrote them."""
        template = _without_parameters(len(CODES)).get(text)
        if template:
            return self.template(template)
        for pattern, titled in _title_patterns(len(CODES)):
            found = pattern.match(text or "")
            if found:
                return self.template(titled).format(**found.groupdict())
        return text


@cache
def _title_patterns(_defined: int) -> list[tuple[re.Pattern[str], Template]]:
    """A pattern per `title.*` template: "Plan revision: {action}" matches "Plan revision: …"."""
    return [(re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(t.english)) + "$", re.S), t)
            for t in CODES.values() if t.code.startswith("title.") and t.names]


@cache
def _without_parameters(_defined: int) -> dict[str, Template]:
    """English text -> template, for the codes without parameters (recomputed when codes are added)."""
    return {template.english: template for template in CODES.values() if not template.names}


def install(env: Environment) -> None:
    """Jinja2's i18n extension, reading the language from each render's `lang` variable.

    Translations are escaped like any other text (Jinja2 would trust them as markup): a catalog
    cannot put HTML into a page."""

    def catalog(context: Context) -> gettext.NullTranslations:
        return translations(lang_of(context.get("lang")))

    @pass_context
    def _gettext(context: Context, message: str) -> str:
        return escape(catalog(context).gettext(message))

    @pass_context
    def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return escape(catalog(context).ngettext(singular, plural, n))

    @pass_context
    def _pgettext(context: Context, message_context: str, message: str) -> str:
        return escape(catalog(context).pgettext(message_context, message))

    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, newstyle=True)
