"""Use cases of access: tenants, API keys, identity providers, and authentication."""

import contextlib
import hashlib
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access import tokens
from app.domain.access.models import (
    ApiKey,
    ApiKeyCreate,
    IdentityClaim,
    IdentityProvider,
    IdentityProviderCreate,
    IdentityProviderRead,
    IdentityProviderUpdate,
    Organization,
)
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal, Role, Scope
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Conflict, Invalid, NotFound, Unauthorized, field_error

API_KEY_PREFIX = "mk_"
_KEY_SOURCES = ("jwks", "jwks_url", "public_key_pem", "shared_secret")


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: no dictionary can guess them.
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60] or "org"


# --- organisations -------------------------------------------------------------------------


async def create_organization(
    session: AsyncSession, name: str, slug: str | None = None
) -> tuple[Organization, ApiKey, str]:
    """Create a tenant with a first admin API key (operator use: the CLI, never the API)."""
    name = name.strip()
    if not name:
        raise Invalid("An organisation needs a name.", errors=[field_error("name", "required")])
    slug = slugify(slug or name)
    if (await session.exec(select(Organization.id).where(Organization.slug == slug))).first():
        raise Conflict(f"An organisation with the slug {slug!r} exists already.")
    organization = Organization(name=name, slug=slug)
    session.add(organization)
    await session.flush()
    key, token = await issue_api_key(
        session, organization.id, name="Bootstrap admin key", scopes=[Scope.ADMIN]
    )
    return organization, key, token


async def find_organization(session: AsyncSession, ref: str) -> Organization:
    """An organisation by slug or id (for operator commands)."""
    statement = select(Organization).where(Organization.slug == ref)
    with contextlib.suppress(ValueError):
        statement = select(Organization).where(
            (Organization.slug == ref) | (Organization.id == uuid.UUID(ref))
        )
    organization = (await session.exec(statement)).first()
    if organization is None:
        raise NotFound(f"No organisation {ref!r}.")
    return organization


async def get_organization(session: AsyncSession, principal: Principal) -> Organization:
    organization = await session.get(Organization, principal.organization_id)
    if organization is None:
        raise NotFound("Organisation not found.")
    return organization


# --- API keys ----------------------------------------------------------------------------


async def issue_api_key(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    name: str,
    scopes: list[Scope],
    expires_at: Any = None,
) -> tuple[ApiKey, str]:
    token = _new_token()
    key = ApiKey(
        organization_id=organization_id,
        name=name,
        prefix=token[:11],
        key_hash=hash_token(token),
        scopes=sorted({str(s) for s in scopes}),
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return key, token


async def create_api_key(
    session: AsyncSession, principal: Principal, data: ApiKeyCreate
) -> tuple[ApiKey, str]:
    require_admin(principal, "manage API keys")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise Invalid(
            "An API key cannot expire in the past.",
            errors=[field_error("expires_at", "must be in the future")],
        )
    return await issue_api_key(
        session,
        principal.organization_id,
        name=data.name,
        scopes=list(data.scopes),
        expires_at=data.expires_at,
    )


async def list_api_keys(
    session: AsyncSession, principal: Principal, *, limit: int | None, cursor: str | None
) -> pagination.Page[ApiKey]:
    require_admin(principal, "manage API keys")
    statement = select(ApiKey).where(ApiKey.organization_id == principal.organization_id)
    return await pagination.paginate(
        session,
        statement,
        keys=[ApiKey.id],
        limit=limit,
        cursor=cursor,
    )


async def get_api_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    require_admin(principal, "manage API keys")
    key = await session.get(ApiKey, key_id)
    if key is None or key.organization_id != principal.organization_id:
        raise NotFound("API key not found.")
    return key


async def revoke_api_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    key = await get_api_key(session, principal, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await session.flush()
    return key


# --- identity providers ----------------------------------------------------------------------


async def create_identity_provider(
    session: AsyncSession, principal: Principal, data: IdentityProviderCreate
) -> IdentityProvider:
    require_admin(principal, "configure identity providers")
    tokens.check_key_material(
        jwks=data.jwks, jwks_url=data.jwks_url, public_key_pem=data.public_key_pem
    )
    await _ensure_issuer_free(session, data.issuer, data.audience, None)
    provider = IdentityProvider(organization_id=principal.organization_id, **data.model_dump())
    session.add(provider)
    await session.flush()
    return provider


async def _ensure_issuer_free(
    session: AsyncSession, issuer: str, audience: str, own_id: uuid.UUID | None
) -> None:
    # Issuer and audience name one provider across all tenants: otherwise a token minted
    # for one organisation could sign in to another.
    statement = select(IdentityProvider.id).where(
        IdentityProvider.issuer == issuer, IdentityProvider.audience == audience
    )
    if own_id is not None:
        statement = statement.where(IdentityProvider.id != own_id)
    if (await session.exec(statement)).first():
        raise Conflict(
            "An identity provider with this issuer and audience is registered already.",
            code="identity_provider_exists",
        )


async def list_identity_providers(
    session: AsyncSession, principal: Principal, *, limit: int | None, cursor: str | None
) -> pagination.Page[IdentityProvider]:
    require_admin(principal, "configure identity providers")
    statement = select(IdentityProvider).where(
        IdentityProvider.organization_id == principal.organization_id
    )
    return await pagination.paginate(
        session,
        statement,
        keys=[IdentityProvider.id],
        limit=limit,
        cursor=cursor,
    )


async def get_identity_provider(
    session: AsyncSession, principal: Principal, provider_id: uuid.UUID
) -> IdentityProvider:
    require_admin(principal, "configure identity providers")
    provider = await session.get(IdentityProvider, provider_id)
    if provider is None or provider.organization_id != principal.organization_id:
        raise NotFound("Identity provider not found.")
    return provider


async def update_identity_provider(
    session: AsyncSession,
    principal: Principal,
    provider_id: uuid.UUID,
    data: IdentityProviderUpdate,
    expected_version: int | None,
) -> IdentityProvider:
    provider = await get_identity_provider(session, principal, provider_id)
    check_version(provider.version, expected_version, "identity provider")
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "issuer", "audience", "identity_claim", "enabled"):
        if required in changes and changes[required] is None:
            raise Invalid(
                f"{required} cannot be cleared.", errors=[field_error(required, "cannot be null")]
            )
    new_keys = {k: changes.pop(k) for k in _KEY_SOURCES if changes.get(k) is not None}
    tokens.check_key_material(
        jwks=new_keys.get("jwks"),
        jwks_url=new_keys.get("jwks_url"),
        public_key_pem=new_keys.get("public_key_pem"),
    )
    if new_keys:
        # A new key source replaces the old one entirely.
        for name in _KEY_SOURCES:
            setattr(provider, name, new_keys.get(name))
    for name, value in changes.items():
        if name not in _KEY_SOURCES:
            setattr(provider, name, value)
    await _ensure_issuer_free(session, provider.issuer, provider.audience, provider.id)
    await flush_versioned(session, "identity provider")
    return provider


async def delete_identity_provider(
    session: AsyncSession, principal: Principal, provider_id: uuid.UUID
) -> None:
    provider = await get_identity_provider(session, principal, provider_id)
    await session.delete(provider)
    await session.flush()


def identity_provider_view(provider: IdentityProvider) -> IdentityProviderRead:
    """What the API shows of a provider: never the shared secret, but which key source is set."""
    fields = {
        name: getattr(provider, name)
        for name in IdentityProviderRead.model_fields
        if name != "key_source"
    }
    source = next((n for n in _KEY_SOURCES if getattr(provider, n) is not None), "none")
    return IdentityProviderRead.model_validate(fields | {"key_source": source})


# --- authentication --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthSettings:
    jwks_cache: tokens.JWKSCache
    leeway_seconds: int = 60
    touch_interval_seconds: int = 60


async def authenticate(session: AsyncSession, token: str, auth: AuthSettings) -> Principal:
    """The principal a bearer token stands for, or ``Unauthorized``."""
    if token.startswith(API_KEY_PREFIX):
        return await _authenticate_api_key(session, token, auth)
    return await _authenticate_jwt(session, token, auth)


async def _authenticate_api_key(session: AsyncSession, token: str, auth: AuthSettings) -> Principal:
    key = (await session.exec(select(ApiKey).where(ApiKey.key_hash == hash_token(token)))).first()
    now = utcnow()
    if key is None or key.revoked_at is not None:
        raise Unauthorized("The API key is unknown or revoked.", code="invalid_api_key")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized("The API key has expired.", code="invalid_api_key")
    if key.last_used_at is None or now - key.last_used_at > timedelta(
        seconds=auth.touch_interval_seconds
    ):
        await session.exec(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))  # type: ignore[arg-type]
    scopes = frozenset(Scope(s) for s in key.scopes if s in Scope._value2member_map_)
    return Principal.for_api_key(key.organization_id, key.id, scopes)


async def _authenticate_jwt(session: AsyncSession, token: str, auth: AuthSettings) -> Principal:
    header, unverified = tokens.unverified_claims(token)
    issuer = unverified.get("iss")
    if not isinstance(issuer, str):
        raise Unauthorized("The token names no issuer.", code="invalid_token")
    candidates = (
        await session.exec(
            select(IdentityProvider).where(
                IdentityProvider.issuer == issuer,
                IdentityProvider.enabled.is_(True),  # type: ignore[attr-defined]
            )
        )
    ).all()
    provider = next(
        (p for p in candidates if tokens.audience_matches(unverified, p.audience)), None
    )
    if provider is None:
        raise Unauthorized("No identity provider trusts this token.", code="invalid_token")
    claims = await tokens.verify(
        token,
        provider,
        header,
        jwks_cache=auth.jwks_cache,
        leeway_seconds=auth.leeway_seconds,
    )
    employee = await _employee_for_claims(session, provider, claims)
    if employee.status != EmployeeStatus.ACTIVE:
        raise Unauthorized("This employee is not active.", code="inactive_employee")
    return Principal.for_employee(employee.organization_id, employee.id, Role(employee.role))


async def _employee_for_claims(
    session: AsyncSession, provider: IdentityProvider, claims: dict[str, Any]
) -> Employee:
    claim = IdentityClaim(provider.identity_claim)
    value = claims.get(claim.value)
    if not isinstance(value, str) or not value:
        raise Unauthorized(f"The token has no {claim.value!r} claim.", code="invalid_token")
    statement = select(Employee).where(Employee.organization_id == provider.organization_id)
    if claim is IdentityClaim.EMAIL:
        statement = statement.where(Employee.email == value.lower())
    else:
        statement = statement.where(Employee.external_id == value)
    employee = (await session.exec(statement)).first()
    if employee is None:
        raise Unauthorized(
            "The token names no employee of this organisation.", code="unknown_employee"
        )
    return employee
