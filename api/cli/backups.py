"""`renxing backup PATH` and `renxing restore PATH`: a consistent copy of the whole database taken
while the office works, and the way back — each followed by a verification of the audit chains of
what was written. `renxing archive export PATH`: closed incidents as a bundle verified offline."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from api.cli.support import DatabaseOption, command, errors_as_exit, fail, open_db, out
from api.messages import ARCHIVE_WRITTEN, BACKUP_VERIFIED, BACKUP_WRITTEN, CHAIN_BROKEN, RESTORED
from engine import audit
from engine.config import get_settings
from engine.db import Database
from engine.db import backup as backups
from engine.errors import Conflict
from engine.messages import BACKUP_TARGET_EXISTS

archive_app = typer.Typer(help="Archives of closed incidents.", no_args_is_help=True)


def _verify(database: Database) -> str:
    """The audit chains of `database`, verified; exit 1 naming the first break."""
    with database.read(snapshot=True) as session:
        result = audit.verify(session=session)
    database.dispose()
    return verified(result)


def verified(result: audit.VerifyResult) -> str:
    """What a verification found: its counts, or exit 1 naming the first break."""
    if not result.ok:
        broken = result.first_break
        assert broken is not None
        fail(CHAIN_BROKEN(chain=broken.chain, seq=broken.seq, reason=broken.reason))
    return BACKUP_VERIFIED(events=result.events, chains=result.chains)


def backup(
    path: Annotated[Path, typer.Argument(help="A new file: the backup (SQLite: a database file; "
                                              "PostgreSQL: a pg_dump custom-format archive).")],
    database: DatabaseOption = None,
) -> None:
    """Back up the database while it works, then verify the audit chains of the copy."""
    url = database or get_settings().database_url
    live = open_db(url)
    with errors_as_exit():
        backups.backup(url, path)
        if make_url(url).get_backend_name() == "sqlite":
            verified = _verify(Database(f"sqlite:///{path.resolve()}"))
        else:  # a pg_dump archive is checked whole; its snapshot's chains are those of the live database
            backups.list_archive(path)
            verified = _verify(live)
    out.print(BACKUP_WRITTEN(path=str(path)))
    out.print(verified)


def restore(
    path: Annotated[Path, typer.Argument(help="A backup written by `renxing backup`.")],
    database: DatabaseOption = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a database that holds data "
                                                            "(stop every renxing process using it first).")] = False,
) -> None:
    """Restore a backup into the database, upgrade its schema if it is older, verify its audit chains."""
    url = database or get_settings().database_url
    with errors_as_exit():
        backups.restore(path, url, replace=replace)
    out.print(RESTORED(path=str(path)))
    out.print(_verify(open_db(url)))  # open_db migrates a backup of an earlier release to this one


@archive_app.command("export")
def archive_export(
    path: Annotated[Path, typer.Argument(help="A new JSON file: the bundle.")],
    older_than_days: Annotated[int | None, typer.Option(
        min=0, help="Incidents closed at least this many days ago (default RENXING_ARCHIVE_AFTER_DAYS).")] = None,
    database: DatabaseOption = None,
) -> None:
    """Export closed incidents — records, attachments' hashes, audit chains — as one self-contained
    bundle (`renxing audit verify --bundle FILE` checks it offline); its digest joins the audit log."""
    days = get_settings().archive_after_days if older_than_days is None else older_than_days
    with errors_as_exit():
        if path.exists():
            raise Conflict(BACKUP_TARGET_EXISTS, path=str(path))
    db = open_db(database)
    cutoff = db.clock.now() - timedelta(days=days)
    bundle = command(database, None, lambda s, a: audit.bundle.export(
        session=s, actor=a, incident_ids=audit.bundle.closed_before(session=s, cutoff=cutoff)))
    path.write_text(json.dumps(bundle, ensure_ascii=False))
    out.print(ARCHIVE_WRITTEN(path=str(path), incidents=len(bundle["incidents"]), digest=bundle["digest"]))
