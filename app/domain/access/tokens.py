"""Verification of end-user JWTs against an organisation's identity provider (PyJWT)."""

import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import InvalidTokenError, PyJWKError, PyJWKSetError

from app.domain.access.models import IdentityProvider
from app.domain.errors import Invalid, Unauthorized, field_error

# Asymmetric and symmetric algorithms are never mixed: a public key must not be usable as an
# HMAC secret (the classic algorithm-confusion attack).
ASYMMETRIC_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class JWKSCache:
    """Fetched JWKS documents, kept for ``ttl`` seconds and refetched when a ``kid`` is unknown.

    A cache only: any replica can rebuild it, so no state lives in process memory.
    """

    def __init__(self, ttl_seconds: int = 3600, min_refresh_seconds: int = 30) -> None:
        self.ttl = ttl_seconds
        self.min_refresh = min_refresh_seconds
        self._entries: dict[str, tuple[float, PyJWKSet]] = {}

    async def key_for(self, url: str, kid: str | None) -> PyJWK:
        now = time.monotonic()
        entry = self._entries.get(url)
        if entry is None or now - entry[0] > self.ttl:
            entry = (now, await self._fetch(url))
            self._entries[url] = entry
        key = _select_key(entry[1], kid)
        if key is None and now - entry[0] > self.min_refresh:
            # The provider may have rotated its keys since we last looked.
            entry = (now, await self._fetch(url))
            self._entries[url] = entry
            key = _select_key(entry[1], kid)
        if key is None:
            raise Unauthorized("The token's signing key is not among the provider's keys.")
        return key

    async def _fetch(self, url: str) -> PyJWKSet:
        try:
            async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                return PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, PyJWKSetError) as exc:
            raise Unauthorized("The identity provider's keys could not be fetched.") from exc


def _select_key(keyset: PyJWKSet, kid: str | None) -> PyJWK | None:
    keys = [k for k in keyset.keys if k.public_key_use in (None, "sig")]
    if kid is not None:
        return next((k for k in keys if k.key_id == kid), None)
    return keys[0] if len(keys) == 1 else None


def unverified_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, read without trusting them, to find which provider to ask."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except InvalidTokenError as exc:
        raise Unauthorized("The bearer token is not a well-formed JWT.") from exc
    return header, claims


def audience_matches(claims: dict[str, Any], audience: str) -> bool:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return aud == audience
    return isinstance(aud, list) and audience in aud


async def verify(
    token: str,
    provider: IdentityProvider,
    header: dict[str, Any],
    *,
    jwks_cache: JWKSCache,
    leeway_seconds: int,
) -> dict[str, Any]:
    """The token's claims when its signature, issuer, audience and lifetime are valid."""
    key: Any
    algorithms: tuple[str, ...] = ASYMMETRIC_ALGORITHMS
    kid = header.get("kid")
    try:
        if provider.shared_secret is not None:
            key, algorithms = provider.shared_secret, HMAC_ALGORITHMS
        elif provider.public_key_pem is not None:
            key = provider.public_key_pem
        elif provider.jwks is not None:
            found = _select_key(PyJWKSet.from_dict(provider.jwks), kid)
            if found is None:
                raise Unauthorized("The token's signing key is not among the provider's keys.")
            key = found
        elif provider.jwks_url is not None:
            key = await jwks_cache.key_for(provider.jwks_url, kid)
        else:  # pragma: no cover - creation requires one key source
            raise Unauthorized("The identity provider has no key configured.")
        return jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            audience=provider.audience,
            issuer=provider.issuer,
            leeway=leeway_seconds,
            options={"require": ["exp", "iss", "aud"]},
        )
    except (InvalidTokenError, PyJWKError, PyJWKSetError) as exc:
        raise Unauthorized(f"The bearer token was rejected: {exc}.") from exc


def check_key_material(
    *,
    jwks: dict[str, Any] | None,
    jwks_url: str | None,
    public_key_pem: str | None,
) -> None:
    """Refuse key material that could never verify a token, when it is configured."""
    if jwks is not None:
        try:
            keyset = PyJWKSet.from_dict(jwks)
        except (PyJWKError, PyJWKSetError, ValueError, TypeError, KeyError) as exc:
            raise Invalid(
                "The JWKS document holds no usable key.",
                errors=[field_error("jwks", f"not a usable JWKS document: {exc}")],
            ) from exc
        if any(k.algorithm_name in HMAC_ALGORITHMS for k in keyset.keys):
            raise Invalid(
                "Symmetric keys are not accepted in a JWKS document.",
                errors=[field_error("jwks", "use public keys (RSA, EC or OKP)")],
            )
    if public_key_pem is not None:
        try:
            serialization.load_pem_public_key(public_key_pem.encode())
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise Invalid(
                "The PEM text is not a public key.",
                errors=[
                    field_error("public_key_pem", "not a PEM-encoded RSA, EC or Ed25519 public key")
                ],
            ) from exc
    if jwks_url is not None:
        parts = urlsplit(jwks_url)
        loopback_http = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        if not (parts.scheme == "https" or loopback_http) or not parts.hostname:
            raise Invalid(
                "The JWKS address must use HTTPS.",
                errors=[field_error("jwks_url", "must be an https:// address")],
            )
