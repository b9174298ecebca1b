"""Where and how e-mail goes (the SMTP server), and the e-mail step's rules of timing."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiosmtplib

from app.config import Settings


@dataclass(frozen=True, slots=True)
class MailServer:
    """Where and how e-mail is sent (``MENTOR_SMTP_*``)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    security: str = "starttls"
    timeout_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "MailServer":
        assert settings.email_from is not None  # the settings refuse e-mail without a sender
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.email_from,
            username=settings.smtp_username,
            password=password.get_secret_value() if password is not None else None,
            security=settings.smtp_security,
            timeout_seconds=settings.smtp_timeout_seconds,
        )

    async def send(self, message: Any) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.security == "tls",
            start_tls=self.security == "starttls",
            timeout=self.timeout_seconds,
        )


@dataclass(frozen=True, slots=True)
class MailPolicy:
    default_language: str = "en"
    frontend_base_url: str | None = None
    max_age: timedelta = timedelta(hours=72)
    # Events committed this long after they were recorded are still read.
    overlap: timedelta = timedelta(minutes=10)
    lease: timedelta = timedelta(minutes=10)
    retry_delays: tuple[timedelta, ...] = (
        timedelta(minutes=1),
        timedelta(minutes=10),
        timedelta(hours=1),
        timedelta(hours=6),
    )
    batch_size: int = 200
    people_per_pass: int = 50
    # E-mails in flight at once: each waits mostly on the SMTP server.
    concurrency: int = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> "MailPolicy":
        return cls(
            default_language=settings.email_default_language,
            frontend_base_url=settings.frontend_base_url,
            max_age=timedelta(hours=settings.email_max_nudge_age_hours),
        )
