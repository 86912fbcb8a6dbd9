"""Configuration: every setting comes from a `RENXING_` environment variable, read here only;
and the time zones settings and people may name."""

from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from forms.messages import code

#: Where people read the times unless a deployment or a person says otherwise.
DEFAULT_TIME_ZONE = "Asia/Shanghai"
UNKNOWN_TIME_ZONE = code("time_zone.unknown", "unknown time zone '{name}' (an IANA name such as 'Asia/Shanghai')")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RENXING_", extra="ignore")

    database_url: str = "sqlite:///./renxing.db"
    #: Key that signs bearer tokens and session cookies. Unset (the default), a random key is
    #: generated on first start and kept in the database (`renxing keys rotate` replaces it).
    secret_key: str | None = None
    token_ttl_seconds: int = 900
    #: Wall-clock budget of one sandboxed expression or script.
    expression_timeout_seconds: float = 1.0
    #: How often the timer worker sweeps for due incidents.
    worker_interval_seconds: float = 5.0
    #: Upper bound on incidents one sweep advances.
    worker_batch_size: int = 50
    #: A timer whose next step fails is tried this many times in all, first again after
    #: `timer_retry_seconds`, then twice as long each time, before the incident is marked failed.
    timer_retries: int = 3
    timer_retry_seconds: float = 60.0
    #: The deployment's time zone: pages show times in it unless a user chose another. Stored
    #: times and the API stay UTC (ISO-8601).
    time_zone: str = DEFAULT_TIME_ZONE
    #: Notifications (task assigned, escalated, overdue, cancelled): webhook URLs, comma-separated,
    #: sent `json` (our document) or `robot` (WeCom / DingTalk group robot text messages) …
    notify_webhook_urls: str = ""
    notify_webhook_format: Literal["json", "robot"] = "json"
    #: … and e-mail to the seat holders' addresses through this SMTP server (off when no host).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "renxing@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    #: Attachments (photos and files on tasks): the folder they are kept in, and the largest accepted.
    attachments_dir: str = "./attachments"
    attachment_max_bytes: int = 10 * 1024 * 1024
    #: `renxing archive export` takes incidents closed at least this many days ago.
    archive_after_days: int = 365
    #: Logs: `text` lines, or `json` lines (one object a line, with the request id).
    log_format: Literal["text", "json"] = "text"
    #: On SIGTERM `serve` drains this long (/readyz 503, requests still served) before it stops
    #: accepting, then gives in-flight requests this long to finish.
    drain_seconds: float = 5.0
    shutdown_grace_seconds: float = 30.0
    #: How often the notification worker notes overdue tasks and delivers.
    notify_interval_seconds: float = 5.0

    @field_validator("secret_key")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value


def time_zone(name: str) -> ZoneInfo:
    """An IANA time zone by name (`Asia/Shanghai`); ValueError naming it when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(UNKNOWN_TIME_ZONE(name=name)) from exc


@lru_cache
def get_settings() -> Settings:
    return Settings()
