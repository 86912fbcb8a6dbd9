"""The messages of the doors themselves (sign-in, tokens, read policies, uploads, the HTTP layer),
by code like the engine's (engine/messages.py): same mechanism, same catalogs."""

from __future__ import annotations

from forms.messages import code

# --- who may do what -------------------------------------------------------------------------------
AUDITOR_READ_ONLY = code("auditor.read_only", "auditors read everything and change nothing")
AUDIT_LOG_FORBIDDEN = code("audit.log_forbidden", "only auditors and administrators read the audit log as a whole")
REPORT_FORBIDDEN = code("oversight.report_forbidden",
                        "only the incident's commander, auditors and administrators can read its after-action report")
DAMAGE_FORBIDDEN = code("oversight.damage_forbidden",
                        "only the incident's commander, auditors and administrators can export its damage statistics")
TIMELINE_FORBIDDEN = code("oversight.timeline_forbidden",
                          "only the incident's commander, auditors and administrators can read its timeline")
FAILURES_FORBIDDEN = code("oversight.failures_forbidden",
                          "only the incident's commander, auditors and administrators can read its failures")
DECISIONS_FORBIDDEN = code("oversight.decisions_forbidden",
                           "only the incident's commander, reviewers, auditors and administrators read its decisions")
RULINGS_FORBIDDEN = code("oversight.rulings_forbidden",
                         "only reviewers, auditors and administrators read all fault-tolerance rulings")

# --- signing in -------------------------------------------------------------------------------------
LOG_IN_FIRST = code("auth.log_in_first", "log in first: send 'Authorization: Bearer <token>' (see POST /auth/token)")
ACCOUNT_GONE = code("auth.account_gone", "this account no longer exists or is disabled")
TOKEN_NOT_VALID = code("auth.token_not_valid", "the bearer token is not valid; log in again")
TOKEN_EXPIRED = code("auth.token_expired", "the bearer token has expired; log in again")
SIGN_IN_FIRST = code("auth.sign_in_first", "sign in first")
CSRF_REFUSED = code("auth.csrf_refused", "the form's CSRF token is missing or wrong")

# --- requests and uploads -------------------------------------------------------------------------
REQUEST_NOT_VALID = code("request.not_valid", "the request is not valid: {problems}")
REQUEST_FIELD = code("request.field", "{detail}")
CONTENT_LENGTH_NOT_A_NUMBER = code("request.content_length", "Content-Length is not a number")
REQUEST_TOO_LARGE = code("request.too_large", "the request body is larger than {megabytes} MB")
FIELD_NUL = code("request.field_nul", "the field '{field}' contains a NUL character")
HTTP_ERROR = code("http.error", "{detail}")
DATABASE_UNAVAILABLE = code("service.database_unavailable", "the database is busy or unavailable; retry shortly")
INTERNAL_ERROR = code("service.internal_error", "an unexpected error occurred; it has been logged")
LEVEL_NOT_CHANGED = code("level.not_changed", "the level cannot be changed")
FILE_NOT_IN_VERSION = code("definition.file_not_in_version",
                           "version {version} of '{process_id}' has no file '{file_name}'")
FILE_CHOICES = code("definition.file_choices", "one of {files}")
UPLOAD_TOO_MANY = code("upload.too_many", "too many files")
UPLOAD_FILE_LIMIT = code("upload.file_limit", "at most {limit} files")
UPLOAD_NOT_A_MODEL = code("upload.not_a_model", "only .bpmn, .dmn, form .json and .zip files can be deployed")
UPLOAD_NOT_A_MODEL_FIELD = code("upload.not_a_model_field", "not a .bpmn, .dmn, .json or .zip file")
UPLOAD_FILE_NAME = code("upload.file_name", "file names are letters, digits, spaces, '.', '_' and '-'")
UPLOAD_RENAME = code("upload.rename", "rename the file (it must be downloadable by name)")
UPLOAD_DUPLICATE = code("upload.duplicate", "duplicate name")

# --- operations: the signing key, serving ---------------------------------------------------------
KEY_KNOWN_WEAK = code("ops.key_known_weak",
                      "RENXING_SECRET_KEY is a well-known key; unset it (a random key is generated and kept in "
                      "the database) or set 32+ random bytes")
KEY_TOO_SHORT = code("ops.key_too_short",
                     "RENXING_SECRET_KEY is shorter than {bytes} bytes: refused when listening on {host} "
                     "(beyond this machine)")
KEY_SHORT_WARNING = code("ops.key_short_warning",
                         "RENXING_SECRET_KEY is shorter than {bytes} bytes; acceptable on loopback only")
KEY_CONFIGURED = code("ops.key_configured",
                      "the signing key comes from RENXING_SECRET_KEY: change that variable (and restart) to rotate it")
KEY_ROTATED = code("ops.key_rotated",
                   "signing key rotated: every token and page session signed with the old key is refused "
                   "(in running servers within seconds)")

# --- operations: backups --------------------------------------------------------------------------
BACKUP_WRITTEN = code("ops.backup_written", "backup written to {path}")
BACKUP_VERIFIED = code("ops.backup_verified", "audit log intact: {events} events in {chains} chains")
RESTORED = code("ops.restored", "restored from {path}")
CHAIN_BROKEN = code("ops.chain_broken", "audit log BROKEN at chain {chain} event #{seq}: {reason}")
ARCHIVE_WRITTEN = code("ops.archive_written", "{incidents} closed incident(s) archived to {path} (digest {digest})")
BUNDLE_UNREADABLE = code("ops.bundle_unreadable", "cannot read the bundle {path}: {error}")
