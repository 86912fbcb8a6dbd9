"""The leaf of the layers: the domain's vocabulary (`forms.vocabulary`), task form schemas and their
validation, and the bilingual labels of both (`forms.i18n`). Imports neither ``engine`` nor ``api``;
the page templates and static files live beside the pages (``api/pages``).
"""

from forms.validation import (
    SCHEMA_DIR,
    FormNotFound,
    available_form_keys,
    coerce,
    load_schema,
    validate,
)

__all__ = [
    "SCHEMA_DIR",
    "FormNotFound",
    "available_form_keys",
    "coerce",
    "load_schema",
    "validate",
]
