"""Who a bearer token stands for: API keys and employees' JWTs, with a short-lived cache."""

import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access import tokens
from app.domain.access.models import ApiKey, IdentityClaim, IdentityProvider
from app.domain.access.principal import Principal, Role, Scope
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import NotFound, Unauthorized

API_KEY_PREFIX = "mk_"
# Guest mentors' invitation tokens open only the support network's routes; elsewhere they
# find nothing, whatever they ask for.
GUEST_TOKEN_PREFIX = "mg_"  # noqa: S105 - a prefix, not a secret


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: no dictionary can guess them.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class _Entry:
    principal: Principal
    expires: float
    touched: float


class CredentialCache:
    """Credentials verified in the last few seconds, so most requests skip the lookup.

    A cache, not state: every entry can be rebuilt from the database, and lives at most
    ``ttl`` seconds, so a key revoked or an employee deactivated through another replica
    stops working within that time (at once on the replica that made the change).
    """

    def __init__(self, ttl_seconds: float = 5.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, digest: str) -> _Entry | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            del self._entries[digest]
            return None
        return entry

    def put(
        self,
        digest: str,
        principal: Principal,
        lifetime: float | None = None,
        ttl: float | None = None,
    ) -> None:
        """Keep ``principal`` for ``ttl`` seconds (the cache's default), never past ``lifetime``."""
        ttl = self.ttl if ttl is None else ttl
        if lifetime is not None:
            ttl = min(ttl, lifetime)
        if ttl <= 0:
            return
        now = time.monotonic()
        self._entries[digest] = _Entry(principal, now + ttl, now)
        self._entries.move_to_end(digest)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, digest: str) -> None:
        self._entries.pop(digest, None)

    def forget_employee(self, employee_id: uuid.UUID) -> None:
        self.forget_employees({employee_id})

    def forget_employees(self, employee_ids: Collection[uuid.UUID]) -> None:
        """Evict every entry of these employees, in one pass over the cache."""
        for digest in [
            d for d, e in self._entries.items() if e.principal.employee_id in employee_ids
        ]:
            del self._entries[digest]

    def clear(self) -> None:
        self._entries.clear()


# One per process, shared by the apps it serves: revocations here evict entries at once.
credentials = CredentialCache()


@dataclass(frozen=True, slots=True)
class AuthSettings:
    jwks_cache: tokens.JWKSCache = field(default_factory=tokens.JWKSCache)
    leeway_seconds: int = 60
    touch_interval_seconds: int = 60
    cache_seconds: float = 5.0


async def authenticate(session: AsyncSession, token: str, auth: AuthSettings) -> Principal:
    """The principal a bearer token stands for, or ``Unauthorized``."""
    if token.startswith(GUEST_TOKEN_PREFIX):
        raise NotFound("Not found.", code="not_found")
    digest = hash_token(token)
    cached = credentials.get(digest)
    if cached is not None:
        if (
            cached.principal.is_machine
            and time.monotonic() - cached.touched > auth.touch_interval_seconds
        ):
            await _touch(session, cached.principal.api_key_id)
            cached.touched = time.monotonic()
        return cached.principal
    if token.startswith(API_KEY_PREFIX):
        return await _authenticate_api_key(session, digest, auth)
    return await _authenticate_jwt(session, token, digest, auth)


async def _touch(session: AsyncSession, key_id: uuid.UUID | None) -> None:
    # Last use is written at most once per interval, so reads stay reads.
    statement = update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=utcnow())  # type: ignore[arg-type]
    await session.exec(statement)


async def _authenticate_api_key(
    session: AsyncSession, digest: str, auth: AuthSettings
) -> Principal:
    key = (await session.exec(select(ApiKey).where(ApiKey.key_hash == digest))).first()
    now = utcnow()
    if key is None or key.revoked_at is not None:
        raise Unauthorized("The API key is unknown or revoked.", code="invalid_api_key")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized("The API key has expired.", code="invalid_api_key")
    if key.last_used_at is None or now - key.last_used_at > timedelta(
        seconds=auth.touch_interval_seconds
    ):
        await _touch(session, key.id)
    scopes = frozenset(Scope(s) for s in key.scopes if s in Scope._value2member_map_)
    principal = Principal.for_api_key(key.organization_id, key.id, scopes)
    lifetime = (key.expires_at - now).total_seconds() if key.expires_at else None
    credentials.put(digest, principal, lifetime, auth.cache_seconds)
    return principal


async def _authenticate_jwt(
    session: AsyncSession, token: str, digest: str, auth: AuthSettings
) -> Principal:
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
    principal = Principal.for_employee(employee.organization_id, employee.id, Role(employee.role))
    credentials.put(digest, principal, float(claims["exp"]) - time.time(), auth.cache_seconds)
    return principal


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
