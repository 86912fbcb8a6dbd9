"""The leaf of the layers: the domain's vocabulary (`forms.vocabulary`), task form schemas and their
validation, the bilingual labels of both (`forms.i18n`), and message codes (`forms.messages`: the
mechanism every error message uses, and the field messages). Imports neither ``engine`` nor ``api``;
the page templates, static files and translation catalogs live beside the pages (``api/pages``).
"""

from forms.validation import (
    CONFIRMATION_FORM,
    SCHEMA_DIR,
    FormNotFound,
    available_form_keys,
    coerce,
    load_schema,
    resource_field,
    task_schema,
    validate,
)

__all__ = [
    "CONFIRMATION_FORM",
    "SCHEMA_DIR",
    "FormNotFound",
    "available_form_keys",
    "coerce",
    "resource_field",
    "load_schema",
    "task_schema",
    "validate",
]
