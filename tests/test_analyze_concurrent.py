"""`renxing serve` runs ANALYZE at start; processes starting together must not deadlock on it."""

from __future__ import annotations

from sqlalchemy import create_engine, event

from engine.db import Database, migrate


def test_analyze_is_skipped_while_another_process_analyzes(database_url: str) -> None:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    if db.dialect != "postgresql":
        migrate.analyze(db.engine)  # SQLite: its writer lock serialises ANALYZE; it just runs
        db.dispose()
        return
    other = create_engine(db.engine.url)
    try:
        with other.begin() as holder:  # another process is analyzing: it holds the lock
            holder.exec_driver_sql(f"SELECT pg_advisory_xact_lock({migrate.ANALYZE_LOCK})")
            seen: list[str] = []
            def record(_c: object, _cur: object, statement: str, *_: object) -> None:
                seen.append(statement)

            event.listen(db.engine, "before_cursor_execute", record)
            migrate.analyze(db.engine)  # returns at once instead of waiting or deadlocking
            event.remove(db.engine, "before_cursor_execute", record)
            assert "ANALYZE" not in seen and any("pg_try_advisory_xact_lock" in s for s in seen)
        migrate.analyze(db.engine)  # the lock is free again: this one analyzes
    finally:
        other.dispose()
        db.dispose()
