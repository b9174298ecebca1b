"""Optimistic concurrency: the version a client read must be the version it changes."""

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.errors import PreconditionFailed, PreconditionRequired

# What a malformed If-Match stands for: a version no resource ever has.
UNMATCHABLE_VERSION = -1


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse an update made without, or against an outdated, version of ``what``."""
    if expected is None:
        raise PreconditionRequired(
            f"Send the {what}'s current version (If-Match header) to change it.",
            code="version_required",
        )
    if expected == UNMATCHABLE_VERSION:
        raise PreconditionFailed(
            f'If-Match must carry the ETag of the {what} you read, e.g. "{current}".',
            code="version_mismatch",
            current_version=current,
        )
    if expected != current:
        raise PreconditionFailed(
            f"The {what} changed since you read it (version {current}, you sent {expected}).",
            code="version_mismatch",
            current_version=current,
        )


async def flush_versioned(session: AsyncSession, what: str) -> None:
    """Flush, turning a concurrent writer's win into a 412 instead of a lost update."""
    try:
        await session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed(
            f"The {what} was changed by someone else at the same time; read it again.",
            code="version_mismatch",
        ) from exc
