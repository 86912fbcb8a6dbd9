"""Running a deployment: `renxing serve`."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.support import DatabaseOption, err, open_db, out
from engine.config import get_settings
from engine.db import migrate


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database: DatabaseOption = None,
    no_worker: Annotated[bool, typer.Option("--no-worker",
                                            help="Do not run the timer worker in this process.")] = False,
) -> None:
    """Migrate the database, then serve the HTTP API (with the timer worker) until stopped."""
    # Imported here, not above: the web app, its templates and uvicorn would slow every other command.
    import uvicorn

    from api import pages
    from api.app import create_app

    db = open_db(database)
    migrate.analyze(db.engine)
    if get_settings().secret_key == "change-me-in-production":
        err.print("[yellow]warning:[/yellow] RENXING_SECRET_KEY is not set; tokens are signed with a "
                  "well-known default key. Set it (32+ random bytes) before real use.")
    out.print(f"renxing on http://{host}:{port} (pages at /ui, API docs at /docs), "
              f"timer worker {'off' if no_worker else 'on'}")
    application = create_app(db, start_worker=not no_worker)
    pages.install(application)  # the web pages (/ui) beside the JSON API
    uvicorn.run(application, host=host, port=port, log_level="info")
