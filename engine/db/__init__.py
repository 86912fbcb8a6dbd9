"""Database plumbing: engines, sessions, the unit of work, row locking. Nothing domain-specific."""

from engine.db.database import Database, is_postgres, now, on_commit

__all__ = ["Database", "is_postgres", "now", "on_commit"]
