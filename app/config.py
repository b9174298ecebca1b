"""Runtime settings, read from the environment (prefix ``MENTOR_``) or a ``.env`` file."""

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MENTOR_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./mentorship.db"
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=15_000, ge=0)
    # A pooled connection idle for longer than this is pinged before use (0: before every
    # use). Busy connections are not: a broken one fails its query, which invalidates the
    # whole pool, so a restarted database costs one failed request per process, not a ping
    # per request.
    db_ping_after_idle_seconds: float = Field(default=10.0, ge=0)
    db_echo: bool = False

    environment: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"
    log_json: bool = True

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1)
    # Larger request bodies are refused with 413 before they are read into memory.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    # Requests each API key or employee may make; shared across replicas when the storage is
    # Redis ("async+redis://host:6379"), per process with the default in-memory storage.
    rate_limit: str = "1200/minute"
    rate_limit_storage_url: str = "async+memory://"

    # Served over HTTPS (behind a TLS-terminating proxy): answers then carry
    # Strict-Transport-Security, so browsers never fall back to plain HTTP.
    served_over_https: bool = False

    # Operator credential for /metrics (cross-tenant figures are never behind a tenant key).
    metrics_token: str | None = None

    # Allowed clock skew when verifying end-user JWTs, and how long a fetched JWKS is trusted.
    jwt_leeway_seconds: int = Field(default=60, ge=0)
    jwks_cache_seconds: int = Field(default=3600, ge=0)

    # Verified credentials are reused this long; a revocation made on another replica takes
    # effect within it (at once on the replica that made it). 0 turns the cache off.
    auth_cache_seconds: float = Field(default=5.0, ge=0)

    # A key's last-used time is written at most this often, so reads stay read-only.
    api_key_touch_interval_seconds: int = Field(default=60, ge=0)

    # Integrations: the worker loop runs inside each API process unless turned off (then run
    # `mentorship worker`). Retry delays are seconds between attempts of a webhook delivery.
    run_worker_in_process: bool = True
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]
    )
    webhook_disable_after_failures: int = Field(default=10, ge=1)
    # Development only: deliver webhooks to loopback and private addresses.
    webhook_allow_private_targets: bool = False
    hris_sweep_after_seconds: float = Field(default=30.0, ge=0)
    pair_health_interval_seconds: float = Field(default=900.0, gt=0)
    # Matching runs are computed in a process of the worker's that runs at this niceness
    # (0 to 19; higher yields the CPU to the API and the database).
    matching_nice: int = Field(default=10, ge=0, le=19)
    # Nudges by e-mail (off by default): the worker sends each person's due items through
    # this SMTP server. `smtp_security`: "starttls" upgrades a plain connection (port 587),
    # "tls" connects with TLS at once (port 465), "none" sends in clear (a local relay only).
    email_enabled: bool = False
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # The sender, e.g. "Mentoring <mentoring@example.com>"; required when e-mail is on.
    email_from: str | None = None
    # Language of e-mails to people whose languages include neither French nor English.
    email_default_language: Literal["en", "fr"] = "en"
    # Nudges older than this when the worker first reads them are not e-mailed (a backlog
    # from before e-mail was turned on, or a worker that was down for days).
    email_max_nudge_age_hours: float = Field(default=72.0, gt=0)
    # Links in e-mails point here (the intranet front end), e.g. "https://intranet.example.com";
    # without it, e-mails name the API operation that resolves each item.
    frontend_base_url: str | None = None
    # Browser front ends on these origins may call the API (CORS), e.g.
    # "https://intranet.example.com,https://hr.example.com". None by default.
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for origin in value:
            if not _ORIGIN.match(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: scheme://host[:port], no path or slash"
                )
        return value

    @field_validator("frontend_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError(f"{value!r} is not an http(s) address")
        return value.rstrip("/") if value is not None else None

    @model_validator(mode="after")
    def _sender(self) -> "Settings":
        if self.email_enabled and not self.email_from:
            raise ValueError("MENTOR_EMAIL_FROM is required when MENTOR_EMAIL_ENABLED is true")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
