"""Use cases of access: tenants, API keys, identity providers, and authentication."""

import contextlib
import re
import secrets
import unicodedata
import uuid
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access import authentication, tokens
from app.domain.access.authentication import API_KEY_PREFIX, hash_token
from app.domain.access.models import (
    ApiKey,
    ApiKeyCreate,
    IdentityProvider,
    IdentityProviderCreate,
    IdentityProviderRead,
    IdentityProviderUpdate,
    Organization,
)
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal, Scope
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error

_KEY_SOURCES = ("jwks", "jwks_url", "public_key_pem", "shared_secret")


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
    key, token = await issue_api_key(
        session,
        principal.organization_id,
        name=data.name,
        scopes=list(data.scopes),
        expires_at=data.expires_at,
    )
    await audit.record(
        session, principal, "api_key.created", "api_key", key.id, name=key.name, scopes=key.scopes
    )
    return key, token


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
        await audit.record(session, principal, "api_key.revoked", "api_key", key.id, name=key.name)
    authentication.credentials.forget(key.key_hash)
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
    await audit.record(
        session,
        principal,
        "identity_provider.created",
        "identity_provider",
        provider.id,
        issuer=provider.issuer,
        audience=provider.audience,
    )
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
    authentication.credentials.clear()  # tokens it vouched for must be checked again
    await audit.record(
        session,
        principal,
        "identity_provider.updated",
        "identity_provider",
        provider.id,
        changed=sorted(data.model_dump(exclude_unset=True)),
    )
    return provider


async def delete_identity_provider(
    session: AsyncSession, principal: Principal, provider_id: uuid.UUID
) -> None:
    provider = await get_identity_provider(session, principal, provider_id)
    await session.delete(provider)
    await session.flush()
    authentication.credentials.clear()
    await audit.record(
        session,
        principal,
        "identity_provider.deleted",
        "identity_provider",
        provider_id,
        issuer=provider.issuer,
    )


def identity_provider_view(provider: IdentityProvider) -> IdentityProviderRead:
    """What the API shows of a provider: never the shared secret, but which key source is set."""
    fields = {
        name: getattr(provider, name)
        for name in IdentityProviderRead.model_fields
        if name != "key_source"
    }
    source = next((n for n in _KEY_SOURCES if getattr(provider, n) is not None), "none")
    return IdentityProviderRead.model_validate(fields | {"key_source": source})
