"""Running a deployment: `renxing serve` and `renxing keys rotate`."""

from __future__ import annotations

import ipaddress
import os
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.support import DatabaseOption, command, err, fail, open_db, out
from api.logs import log_config
from api.messages import KEY_CONFIGURED, KEY_KNOWN_WEAK, KEY_ROTATED, KEY_SHORT_WARNING, KEY_TOO_SHORT
from engine.config import get_settings
from engine.db import Database, migrate
from engine.seats import keys

if TYPE_CHECKING:
    from fastapi import FastAPI

keys_app = typer.Typer(help="The signing key of tokens and page sessions.", no_args_is_help=True)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_key(configured: str | None, host: str) -> None:
    """Refuse a well-known key anywhere, and a short one beyond loopback (exit 2)."""
    if configured is None:
        return
    weakness = keys.weakness(configured)
    if weakness == "known":
        fail(KEY_KNOWN_WEAK(), 2)
    if weakness == "short" and not _loopback(host):
        fail(KEY_TOO_SHORT(bytes=keys.MIN_KEY_BYTES, host=host), 2)
    if weakness == "short":
        err.print(f"[yellow]warning:[/yellow] {KEY_SHORT_WARNING(bytes=keys.MIN_KEY_BYTES)}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database: DatabaseOption = None,
    no_worker: Annotated[bool, typer.Option("--no-worker",
                                            help="Do not run the timer worker in this process.")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="HTTP processes sharing the port (PostgreSQL: "
                                                             "one per core).")] = 1,
) -> None:
    """Migrate the database, then serve the HTTP API (with the timer worker) until stopped."""
    # Imported here, not above: the web app, its templates and uvicorn would slow every other command.
    import uvicorn

    from api import pages
    from api.app import create_app
    from api.serving import DrainingServer, DrainingSupervisor
    from api.worker import NotificationWorker, TimerWorker

    settings = get_settings()
    check_key(settings.secret_key, host)
    db = open_db(database)
    migrate.analyze(db.engine)
    out.print(f"renxing on http://{host}:{port} (pages at /ui, API docs at /docs), "
              f"timer worker {'off' if no_worker else 'on'}, {workers} HTTP process{'es' if workers > 1 else ''}")
    if workers == 1:
        application = create_app(db, start_worker=not no_worker)
        pages.install(application)  # the web pages (/ui) beside the JSON API
        config = uvicorn.Config(application, host=host, port=port, log_config=log_config(settings.log_format),
                                access_log=False, timeout_graceful_shutdown=int(settings.shutdown_grace_seconds))
        DrainingServer(config, draining=application.state.draining, drain_seconds=settings.drain_seconds).run()
        return
    # Several processes accept on the one socket this process binds; each builds its app with
    # `served_app` from the environment. The timer and notification workers run here, once.
    os.environ["RENXING_DATABASE_URL"] = db.url
    background = [] if no_worker else [TimerWorker(db, settings), NotificationWorker(db, settings)]
    for loop in background:
        loop.start()
    try:
        # A process builds the whole app before it answers the parent's health check: give it time.
        config = uvicorn.Config("api.cli.operations:served_app", factory=True, workers=workers, host=host,
                                port=port, log_config=log_config(settings.log_format), access_log=False,
                                timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
                                timeout_worker_healthcheck=120)
        DrainingSupervisor(config, [config.bind_socket()], drain_seconds=settings.drain_seconds).run()
    finally:
        for loop in background:
            loop.stop()


def served_app() -> FastAPI:
    """The app of one of `renxing serve --workers N`'s HTTP processes (uvicorn calls it in each)."""
    from api import pages
    from api.app import create_app
    from api.serving import drain_on_signal

    application = create_app(Database.from_settings(get_settings()), start_worker=False)
    pages.install(application)
    drain_on_signal(application.state.draining)
    return application


@keys_app.command("rotate")
def keys_rotate(database: DatabaseOption = None) -> None:
    """Replace the stored signing key: every token and page session signed with the old one dies."""
    if get_settings().secret_key:
        fail(KEY_CONFIGURED(), 2)
    command(database, None, lambda s, a: keys.rotate(session=s, actor=a))
    out.print(KEY_ROTATED())
