"""Forms a model bundle brings: one JSON Schema (Draft 2020-12) per form key, in a file named
``<form_key>.json`` beside the bundle's .bpmn files.

`check_form` is the deploy-time gate — what it refuses never reaches a task: text that is not a JSON
object, more than ``MAX_FORM_BYTES``, a name that is not a form key, a ``$schema`` other than
2020-12, a schema the meta-schema refuses, a ``$ref`` that leaves the file (no remote documents are
ever fetched), a form that is not an object of properties, and a form or field without its English
``title`` and Chinese ``x-title-zh`` (the bilingual convention of the built-in forms, which a bundle
form follows; ``x-vocabulary``, ``x-enum-labels(-zh)`` and ``x-description-zh`` work as there).
`bundle_schema` reads a stored form back the way the built-in library reads its own. The built-in
forms (`forms.validation`) stay the default library: a bundle's form key wins over one of theirs.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from forms.messages import Message, code
from forms.validation import expand_vocabulary

__all__ = ["FORM_SUFFIX", "MAX_FORM_BYTES", "bundle_schema", "check_form", "form_key_of"]

FORM_SUFFIX = ".json"
MAX_FORM_BYTES = 256 * 1024
_FORM_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_DRAFT = "https://json-schema.org/draft/2020-12/schema"

FORM_NAME = code("form.name", "a form file is named after its form key in snake_case, e.g. site_check.json")
FORM_TOO_LARGE = code("form.too_large", "the form is {size} bytes; at most {limit} bytes are accepted")
FORM_NOT_JSON = code("form.not_json", "the form is not JSON: {error}")
FORM_NOT_OBJECT = code("form.not_object", 'a form is a JSON Schema object with "type": "object" and its "properties"')
FORM_DRAFT = code("form.draft", 'the form\'s "$schema" must be {draft}')
FORM_SCHEMA_INVALID = code("form.schema_invalid", "the form is not a valid JSON Schema: {error}")
FORM_REMOTE_REF = code("form.remote_ref",
                       'the form refers to "{ref}": only references within the file (#...) are allowed')
FORM_TITLES = code("form.titles",
                   'the form needs "title" and "x-title-zh" (its English and Chinese titles)')
FORM_FIELD_TITLES = code("form.field_titles",
                         'field "{field}" needs "title" and "x-title-zh" (its English and Chinese labels)')


def form_key_of(file_name: str) -> str | None:
    """The form key a bundle file names, or None when it is not a form file."""
    return file_name[: -len(FORM_SUFFIX)] if file_name.endswith(FORM_SUFFIX) else None


def check_form(file_name: str, content: bytes) -> list[Message]:
    """Every problem of one bundle form; [] when it can be deployed."""
    key = form_key_of(file_name)
    if key is None or not _FORM_KEY.fullmatch(key):
        return [FORM_NAME()]
    if len(content) > MAX_FORM_BYTES:
        return [FORM_TOO_LARGE(size=len(content), limit=MAX_FORM_BYTES)]
    try:
        schema = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return [FORM_NOT_JSON(error=str(exc)[:200])]
    if not isinstance(schema, dict) or schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return [FORM_NOT_OBJECT()]
    problems = [FORM_DRAFT(draft=_DRAFT)] if schema.get("$schema", _DRAFT) != _DRAFT else []
    problems += [FORM_REMOTE_REF(ref=ref) for ref in _refs(schema) if not ref.startswith("#")]
    if not _titled(schema):
        problems.append(FORM_TITLES())
    problems += [FORM_FIELD_TITLES(field=name) for name, spec in schema["properties"].items()
                 if not (isinstance(spec, dict) and _titled(spec))]
    try:
        Draft202012Validator.check_schema(expand_vocabulary(copy.deepcopy(schema)))
    except SchemaError as exc:
        problems.append(FORM_SCHEMA_INVALID(error=exc.message[:200]))
    except ValueError as exc:  # an unknown x-vocabulary
        problems.append(FORM_SCHEMA_INVALID(error=str(exc)[:200]))
    return problems


def bundle_schema(text: str) -> dict[str, Any]:
    """A deployed bundle form's schema, as a task shows and validates it (a copy)."""
    return copy.deepcopy(_read(text))


@lru_cache(maxsize=256)
def _read(text: str) -> dict[str, Any]:
    schema: dict[str, Any] = expand_vocabulary(json.loads(text.removeprefix("\ufeff")))
    return schema


def _titled(spec: dict[str, Any]) -> bool:
    return all(isinstance(spec.get(key), str) and spec[key].strip() for key in ("title", "x-title-zh"))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["$ref"])] if "$ref" in node else []
        found += [str(node["$dynamicRef"])] if "$dynamicRef" in node else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []
