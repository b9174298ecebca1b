"""Shared metadata (with a naming convention Alembic can rely on) and column mixins."""

import uuid
from datetime import UTC, datetime
from typing import Any

import uuid_utils.compat as uuid_utils
from sqlalchemy import MetaData
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7: unique, unguessable enough for URLs, and index-friendly."""
    return uuid_utils.uuid7()


# Default factories of table models are plain functions, not the `list` and `dict` builtins:
# SQLModel calls pydantic's FieldInfo.get_default for every default it fills in, which
# inspects the factory's signature, and a builtin's signature is parsed from text (about
# 90 µs for `list` against 6 for a function) on every new row.
def empty_list() -> list[Any]:
    return []


def empty_dict() -> dict[str, Any]:
    return {}


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin(SQLModel):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)


class TenantMixin(SQLModel):
    organization_id: uuid.UUID = Field(
        foreign_key="organizations.id", index=True, nullable=False, ondelete="CASCADE"
    )


class TimestampMixin(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


class VersionMixin(SQLModel):
    """Optimistic concurrency: every UPDATE checks and bumps ``version``.

    SQLAlchemy adds ``WHERE version = :old`` to each UPDATE, so two writers that read the
    same version cannot both win, whatever the API layer checked before.
    """

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
