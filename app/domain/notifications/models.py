"""The tables of notifications: preferences, nudges waiting for e-mail, e-mails sent.

A ``nudge.due`` event becomes one :class:`NudgeMail` row, unique per event, whichever worker
reads it first: that row is how each event is handled once. Rows wait (``pending``) for the
person's quiet hours and daily limit, then go out together in one :class:`EmailDigest`.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list, utcnow
from app.db.indexes import partial_index
from app.db.types import JSONDocument, UTCDateTime

# Quiet hours unless the person says otherwise: nothing between 20:00 and 08:00 their time.
DEFAULT_QUIET_START = "20:00"
DEFAULT_QUIET_END = "08:00"


class NotificationPreference(IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True):
    """One person's choices; a person without a row has the defaults."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("organization_id", "employee_id"),)

    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    email_enabled: bool = True
    muted_kinds: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    # Local times "HH:MM" in the person's time zone; both null: no quiet hours. (No column
    # default: an INSERT would put it in place of an explicit null.)
    quiet_hours_start: str | None = Field(default=None, max_length=5)
    quiet_hours_end: str | None = Field(default=None, max_length=5)


class NudgeMailStatus(StrEnum):
    PENDING = "pending"  # waiting for quiet hours to end or for tomorrow's digest
    SENDING = "sending"  # claimed by a worker, in a digest being sent
    SENT = "sent"
    SKIPPED = "skipped"  # never sent: see ``skip_reason``


class NudgeMail(IdMixin, TenantMixin, table=True):
    """A ``nudge.due`` event on its way to one person's mailbox."""

    __tablename__ = "nudge_mails"
    __table_args__ = (
        UniqueConstraint("event_id"),
        Index("ix_nudge_mails_organization_id_employee_id", "organization_id", "employee_id"),
        partial_index(
            "ix_nudge_mails_waiting", "employee_id", where="status IN ('pending', 'sending')"
        ),
    )

    event_id: uuid.UUID = Field(foreign_key="outbox_events.id", ondelete="CASCADE")
    employee_id: uuid.UUID | None = Field(
        default=None, foreign_key="employees.id", ondelete="CASCADE"
    )
    key: str = Field(max_length=300)
    kind: str = Field(max_length=60)
    stage: str = Field(max_length=20)
    status: NudgeMailStatus = Field(default=NudgeMailStatus.PENDING, sa_type=String(20))
    skip_reason: str | None = Field(default=None, max_length=40)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # A failed send is tried again after this time.
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    digest_id: uuid.UUID | None = Field(
        default=None, foreign_key="email_digests.id", ondelete="SET NULL"
    )
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmailDigest(IdMixin, TenantMixin, table=True):
    """One e-mail to one person, with every nudge that was waiting for them.

    The partial unique index is the daily limit: one ordinary digest per person and local
    day, whichever worker sends it; digests holding an urgent nudge are outside the limit.
    """

    __tablename__ = "email_digests"
    __table_args__ = (
        Index("ix_email_digests_organization_id_employee_id", "organization_id", "employee_id"),
        partial_index(
            "uq_email_digests_one_a_day",
            "employee_id",
            "local_date",
            where="urgent = false",
            unique=True,
        ),
        # Digests being sent: the few a worker that stopped mid-send may have left.
        partial_index("ix_email_digests_unsent", "claimed_at", where="sent_at IS NULL"),
    )

    employee_id: uuid.UUID = Field(foreign_key="employees.id", ondelete="CASCADE")
    local_date: date
    urgent: bool = False
    language: str = Field(max_length=8)
    items: int
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: str | None = Field(default=None, max_length=255)


class NotificationCursor(TimestampMixin, table=True):
    """How far back the e-mail step must still look in the outbox.

    Events are read again from a little before the cursor (transactions commit out of order);
    the unique event id of :class:`NudgeMail` drops those already taken.
    """

    __tablename__ = "notification_cursors"

    name: str = Field(primary_key=True, max_length=40)
    position: datetime = Field(sa_type=UTCDateTime, nullable=False)
