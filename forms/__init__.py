"""The human surface: task form schemas, their validation, and (later) the HTML templates.

Imports neither ``engine`` nor ``api``.
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
