"""Configuration: every setting comes from a `RENXING_` environment variable, read here only."""

from functools import lru_cache

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.clock import DEFAULT_TIME_ZONE, time_zone


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RENXING_", extra="ignore")

    database_url: str = "sqlite:///./renxing.db"
    #: Secret used to sign bearer tokens and session cookies (set it in production).
    secret_key: str = "change-me-in-production"
    token_ttl_seconds: int = 900
    #: Wall-clock budget of one sandboxed expression or script.
    expression_timeout_seconds: float = 1.0
    #: How often the timer worker sweeps for due incidents.
    worker_interval_seconds: float = 5.0
    #: Upper bound on incidents one sweep advances.
    worker_batch_size: int = 50
    #: The deployment's time zone: pages show times in it unless a user chose another. Stored
    #: times and the API stay UTC (ISO-8601).
    time_zone: str = DEFAULT_TIME_ZONE

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
