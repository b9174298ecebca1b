"""Development tokens: employee JWTs signed by a demo organisation's HS256 provider."""

from datetime import UTC, datetime, timedelta

import jwt
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access import service as access
from app.domain.access.models import IdentityProvider
from app.domain.employees.models import Employee
from app.domain.errors import NotFound

DEV_AUDIENCE = "mentorship-dev"


async def mint_dev_token(session: AsyncSession, org: str, email: str, minutes: int) -> str:
    organization = await access.find_organization(session, org)
    provider = (
        await session.exec(
            select(IdentityProvider).where(
                IdentityProvider.organization_id == organization.id,
                col(IdentityProvider.shared_secret).is_not(None),
            )
        )
    ).first()
    if provider is None or provider.shared_secret is None:
        raise NotFound("This organisation has no HS256 development identity provider.")
    employee = (
        await session.exec(
            select(Employee).where(
                Employee.organization_id == organization.id, Employee.email == email.lower()
            )
        )
    ).first()
    if employee is None:
        raise NotFound(f"No employee {email!r} in {organization.slug}.")
    now = datetime.now(UTC)
    claims = {
        "iss": provider.issuer,
        "aud": provider.audience,
        "sub": employee.external_id or str(employee.id),
        "email": employee.email,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, provider.shared_secret, algorithm="HS256")
