"""Tenants and the credentials that act inside them."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import StringConstraints, model_validator
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.base import IdMixin, TenantMixin, TimestampMixin, VersionMixin, empty_list, utcnow
from app.db.types import JSONDocument, UTCDateTime
from app.domain.access.principal import Scope
from app.domain.errors import Invalid, field_error
from app.domain.schemas import HttpsUrl, InputSchema, Timestamp, request_examples


class Organization(IdMixin, TimestampMixin, table=True):
    __tablename__ = "organizations"

    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, unique=True)


class OrganizationRead(SQLModel):
    id: uuid.UUID
    name: str
    slug: str
    created_at: datetime


class ApiKey(IdMixin, TenantMixin, table=True):
    """A machine client's credential. Only a SHA-256 hash of the token is stored."""

    __tablename__ = "api_keys"

    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=empty_list, sa_type=JSONDocument, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiKeyCreate(InputSchema):
    model_config = request_examples(
        {
            "name": "Workday connector",
            "scopes": ["employees:write", "hris:sync"],
            "expires_at": "2027-12-31T23:59:59Z",
        }
    )

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: Timestamp | None = None


class ApiKeyRead(SQLModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    token: str = Field(description="The secret token. It is shown once and never again.")


class IdentityClaim(StrEnum):
    """Which token claim names the employee: ``email`` (their e-mail) or ``sub`` (external id)."""

    EMAIL = "email"
    SUB = "sub"


class IdentityProviderBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=500, description="Expected `iss` claim.")
    audience: str = Field(min_length=1, max_length=500, description="Expected `aud` claim.")
    identity_claim: IdentityClaim = Field(
        default=IdentityClaim.EMAIL,
        description="`email` matches the employee's e-mail; `sub` matches their external id.",
    )
    enabled: bool = True


class IdentityProvider(
    IdentityProviderBase, IdMixin, TenantMixin, TimestampMixin, VersionMixin, table=True
):
    """An organisation's OpenID provider, whose tokens identify employees."""

    __tablename__ = "identity_providers"
    __table_args__ = (UniqueConstraint("issuer", "audience"),)

    identity_claim: IdentityClaim = Field(default=IdentityClaim.EMAIL, sa_type=String(10))

    jwks: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
    jwks_url: str | None = Field(default=None, max_length=1000)
    public_key_pem: str | None = Field(default=None)
    shared_secret: str | None = Field(default=None, max_length=500)


_KEY_FIELDS = ("jwks", "jwks_url", "public_key_pem", "shared_secret")


class IdentityProviderKeys(SQLModel):
    jwks: dict[str, Any] | None = Field(
        default=None, description='A JWKS document (`{"keys": [...]}`) with the public keys.'
    )
    jwks_url: Annotated[HttpsUrl, StringConstraints(max_length=1000)] | None = Field(
        default=None, description="HTTPS address of the provider's JWKS."
    )
    public_key_pem: str | None = Field(
        default=None, max_length=20_000, description="A PEM-encoded RSA, EC or Ed25519 public key."
    )
    shared_secret: str | None = Field(
        default=None,
        min_length=32,
        max_length=500,
        description="HS256 shared secret, for development only. Write-only.",
    )


def _key_sources(detail: str, given: list[str]) -> Invalid:
    # A rule across fields, which a JSON Schema cannot state plainly: a business rule (409).
    named = given or list(_KEY_FIELDS)
    return Invalid(
        detail,
        code="one_key_source",
        errors=[field_error(name, "one key source only", "one_of") for name in named],
    )


class IdentityProviderCreate(IdentityProviderBase, IdentityProviderKeys, InputSchema):
    model_config = request_examples(
        {
            "name": "Entra ID",
            "issuer": (
                "https://login.microsoftonline.com/5f1c9a2e-8d3b-4c6f-9a7e-2b4d6e8f0a1c/v2.0"
            ),
            "audience": "api://reverse-mentoring",
            "jwks_url": (
                "https://login.microsoftonline.com/5f1c9a2e-8d3b-4c6f-9a7e-2b4d6e8f0a1c/discovery/v2.0/keys"
            ),
            "identity_claim": "email",
        }
    )

    @model_validator(mode="after")
    def _one_key_source(self) -> "IdentityProviderCreate":
        given = [name for name in _KEY_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise _key_sources(f"Give exactly one of {', '.join(_KEY_FIELDS)}.", given)
        return self


class IdentityProviderUpdate(IdentityProviderKeys, InputSchema):
    model_config = request_examples({"audience": "api://reverse-mentoring-prod", "enabled": True})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    issuer: str | None = Field(default=None, min_length=1, max_length=500)
    audience: str | None = Field(default=None, min_length=1, max_length=500)
    identity_claim: IdentityClaim | None = None
    enabled: bool | None = None

    never_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "issuer", "audience", "identity_claim", "enabled"}
    )

    @model_validator(mode="after")
    def _at_most_one_key_source(self) -> "IdentityProviderUpdate":
        given = [name for name in _KEY_FIELDS if getattr(self, name) is not None]
        if len(given) > 1:
            raise _key_sources(f"Give at most one of {', '.join(_KEY_FIELDS)}.", given)
        return self


class IdentityProviderRead(IdentityProviderBase):
    id: uuid.UUID
    key_source: str = Field(description="Which kind of key verifies tokens.")
    jwks: dict[str, Any] | None
    jwks_url: str | None
    public_key_pem: str | None
    created_at: datetime
    updated_at: datetime
    version: int
