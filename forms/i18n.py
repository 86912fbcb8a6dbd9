"""The bilingual words that belong to the domain and the forms, not to the pages' catalogs.

`label()` says a vocabulary code (phase, level, seat, …) in words from `forms.vocabulary`;
`schema_title()`, `schema_description()` and `enum_label()` read a form schema's own bilingual
parts (`title`/`x-title-zh`, `x-enum-labels`/`x-enum-labels-zh`). The pages' own strings and every
message code are gettext catalogs (api/pages/locale, see api/pages/i18n.py). Imports neither
engine nor api.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from forms.vocabulary import LABELS, LANGUAGES

DEFAULT = "en"

#: English field messages of forms.validate() and the engine -> Chinese, by pattern.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^this field is required$", "此项必填"),
    (r"^unknown field$", "未知字段"),
    (r"^must be a whole number$", "必须是整数"),
    (r"^must be a number$", "必须是数字"),
    (r"^must be text$", "必须是文本"),
    (r"^must be true or false$", "请选择是或否"),
    (r"^must be a list$", "必须是列表"),
    (r"^must be an object$", "必须是对象"),
    (r"^must be at least (?P<n>[\d.]+)$", "不能小于 {n}"),
    (r"^must be at most (?P<n>[\d.]+)$", "不能大于 {n}"),
    (r"^must be greater than (?P<n>[\d.]+)$", "必须大于 {n}"),
    (r"^must be less than (?P<n>[\d.]+)$", "必须小于 {n}"),
    (r"^must not be empty$", "不能为空"),
    (r"^must be at least (?P<n>\d+) characters$", "至少 {n} 个字符"),
    (r"^must be at most (?P<n>\d+) characters$", "最多 {n} 个字符"),
    (r"^must have at least (?P<n>\d+) items$", "至少 {n} 项"),
    (r"^must have at most (?P<n>\d+) items$", "最多 {n} 项"),
    (r"^must not repeat items$", "不能有重复项"),
    (r"^must be one of: (?P<v>.*)$", "必须是以下之一：{v}"),
    (r"^must be a valid date$", "请输入有效日期"),
    (r"^must be a valid (?P<v>.*)$", "格式无效（{v}）"),
    (r"^has the wrong format$", "格式不正确"),
    (r"^a list of non-empty texts$", "每行一项，不能为空"),
    (r"^at most (?P<n>\d+) characters$", "最多 {n} 个字符"),
    (r"^at most (?P<n>\d+) options$", "最多 {n} 个方案"),
    (r"^must not contain NUL characters$", "不能包含 NUL 字符"),
    (r"^departs from the plan$", "偏离预案"),
    (r"^auditors read everything and change nothing$", "审计人员只读，不能进行任何更改"),
    (r"^only the incident's (on-scene )?commander .*$", "只有本事件的现场指挥才能进行此操作"),
    (r"^task '(?P<t>.*)' belongs to the seat '(?P<r>.*)', which you do not hold$",
     "任务“{t}”属于席位 {r}，您未担任该席位"),
    (r"^only auditors and administrators .*$", "只有审计人员和管理员可以查看"),
    (r"^only an administrator .*$", "只有管理员可以进行此操作"),
    (r"^only the incident's commander, auditors and administrators .*$", "只有本事件指挥、审计人员和管理员可以查看"),
))


def lang_of(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def label(kind: str, value: object, lang: str) -> str:
    """A code value (phase, level, status, …) in words; unknown values show as they are."""
    table = LABELS[kind]
    if value is None or value == "":
        return "—"
    pair = table.get(str(value))
    return _pick(pair, lang) if pair else str(value).replace("_", " ")


def schema_title(schema: Mapping[str, Any], lang: str, fallback: str = "") -> str:
    """`x-title-zh` in Chinese when present, else `title`."""
    if lang == "zh" and isinstance(schema.get("x-title-zh"), str):
        return str(schema["x-title-zh"])
    return str(schema.get("title") or fallback)


def schema_description(schema: Mapping[str, Any], lang: str) -> str:
    if lang == "zh" and isinstance(schema.get("x-description-zh"), str):
        return str(schema["x-description-zh"])
    return str(schema.get("description") or "")


def enum_label(schema: Mapping[str, Any], value: object, lang: str) -> str:
    """An enum value's label: `x-enum-labels-zh` / `x-enum-labels`, else the value itself."""
    for key in (("x-enum-labels-zh", "x-enum-labels") if lang == "zh" else ("x-enum-labels",)):
        labels = schema.get(key)
        if isinstance(labels, Mapping) and str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def message(text: str, lang: str) -> str:
    """A short English validation or engine message in `lang` (unknown messages stay English)."""
    if lang != "zh" or not isinstance(text, str):
        return text
    for pattern, zh in _MESSAGES:
        found = pattern.match(text)
        if found:
            return zh.format(**found.groupdict())
    return text
