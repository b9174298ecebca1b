"""One row per audited act; never updated, never deleted (except with its organisation)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, empty_dict, utcnow
from app.db.types import JSONDocument, UTCDateTime


class AuditEntry(IdMixin, TenantMixin, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_organization_id_action", "organization_id", "action"),
        Index("ix_audit_entries_organization_id_subject_id", "organization_id", "subject_id"),
    )

    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    actor: str = Field(sa_type=String(80))
    actor_role: str = Field(sa_type=String(20))
    action: str = Field(sa_type=String(80))
    subject_type: str = Field(sa_type=String(40))
    subject_id: uuid.UUID | None = None
    details: dict[str, Any] = Field(
        default_factory=empty_dict, sa_type=JSONDocument, nullable=False
    )


class AuditEntryRead(SQLModel):
    id: uuid.UUID
    at: datetime
    actor: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: uuid.UUID | None
    details: dict[str, Any]


class AuditFilter(SQLModel):
    action: str | None = None
    actor: str | None = None
    subject_id: uuid.UUID | None = None
