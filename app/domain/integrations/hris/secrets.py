"""Signing secrets of inbound HRIS webhooks, and the Standard Webhooks signature check."""

import base64
import binascii
import secrets
import uuid
from collections.abc import Mapping

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal
from app.domain.errors import NotFound, Unauthorized
from app.domain.integrations.hris.models import HrisWebhookSecret, HrisWebhookSecretCreate

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` then 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


async def create_secret(
    session: AsyncSession, principal: Principal, data: HrisWebhookSecretCreate
) -> HrisWebhookSecret:
    require_admin(principal, "manage HRIS webhook secrets")
    secret = new_signing_secret()
    record = HrisWebhookSecret(
        organization_id=principal.organization_id,
        name=data.name,
        secret=secret,
        prefix=secret[:12],
    )
    session.add(record)
    await session.flush()
    return record


async def list_secrets(
    session: AsyncSession, principal: Principal, *, limit: int | None, cursor: str | None
) -> pagination.Page[HrisWebhookSecret]:
    require_admin(principal, "manage HRIS webhook secrets")
    statement = select(HrisWebhookSecret).where(
        HrisWebhookSecret.organization_id == principal.organization_id
    )
    return await pagination.paginate(
        session, statement, keys=[HrisWebhookSecret.id], limit=limit, cursor=cursor
    )


async def revoke_secret(
    session: AsyncSession, principal: Principal, secret_id: uuid.UUID
) -> HrisWebhookSecret:
    """Stop accepting deliveries signed with this secret; the record stays for the audit."""
    require_admin(principal, "manage HRIS webhook secrets")
    record = await session.get(HrisWebhookSecret, secret_id)
    if record is None or record.organization_id != principal.organization_id:
        raise NotFound("Webhook secret not found.", code="webhook_secret_not_found")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        await session.flush()
    return record


def signature_matches(secret: str, body: bytes, headers: Mapping[str, str]) -> str | None:
    """None when ``body`` carries a valid signature by ``secret``, else why not.

    The Standard Webhooks library checks the ``webhook-id``/``-timestamp``/``-signature``
    headers, the HMAC-SHA256 and the 5-minute timestamp tolerance.
    """
    try:
        Webhook(secret).verify(body, dict(headers), json_parse=False)
    except WebhookVerificationError as exc:
        return str(exc)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        # A signature header that is not "v1,<base64>", or a body that is not UTF-8.
        return "Malformed signature headers or body"
    return None


async def verify_signature(
    session: AsyncSession, organization_id: uuid.UUID, body: bytes, headers: Mapping[str, str]
) -> None:
    """Accept a delivery signed by any active secret of the organisation, else ``Unauthorized``.

    An unknown organisation looks exactly like one without secrets: the address leaks
    nothing.
    """
    active = (
        await session.exec(
            select(HrisWebhookSecret.secret)
            .where(
                HrisWebhookSecret.organization_id == organization_id,
                col(HrisWebhookSecret.revoked_at).is_(None),
            )
            .order_by(col(HrisWebhookSecret.created_at).desc())
        )
    ).all()
    reason = "No webhook secret is configured"
    for secret in active:
        failure = signature_matches(secret, body, headers)
        if failure is None:
            return
        reason = failure
    raise Unauthorized(f"The webhook signature was refused: {reason}.", code="invalid_signature")
