"""`renxing backup PATH` and `renxing restore PATH`: a consistent copy of the whole database taken
while the office works, and the way back — each followed by a verification of the audit chains of
what was written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from api.cli.support import DatabaseOption, errors_as_exit, fail, open_db, out
from api.messages import BACKUP_VERIFIED, BACKUP_WRITTEN, CHAIN_BROKEN, RESTORED
from engine import audit
from engine.config import get_settings
from engine.db import Database
from engine.db import backup as backups


def _verify(database: Database) -> str:
    """The audit chains of `database`, verified; exit 1 naming the first break."""
    with database.read(snapshot=True) as session:
        result = audit.verify(session=session)
    database.dispose()
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
