"""Photos and files on tasks: checked (size, type by content), stored on local disk by content
hash (`store`), recorded with an audit event that carries the hash (`service`)."""

from engine.attachments.service import KINDS, Limits, add, content, get, list_for
from engine.attachments.store import LocalStore

__all__ = ["KINDS", "Limits", "LocalStore", "add", "content", "get", "list_for"]
