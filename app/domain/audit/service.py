"""Recording and reading the audit trail.

What is recorded: every change an administrator (person or admin key) makes through the
access module (keys, identity providers), role changes, personal-data exports and
erasures, and every read by a program manager or administrator of data that belongs to
other people's mentoring (pairs, session logs, progress). Callers say what happened; this
module decides nothing else.
"""

import uuid
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain import pagination
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal
from app.domain.audit.models import AuditEntry, AuditFilter


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | None = None,
    **details: Any,
) -> AuditEntry:
    entry = AuditEntry(
        organization_id=principal.organization_id,
        actor=principal.actor,
        actor_role=principal.role.value,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details={k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in details.items()},
    )
    session.add(entry)
    return entry


async def record_read_of_others(
    session: AsyncSession,
    principal: Principal,
    subject_type: str,
    subject_id: uuid.UUID,
    owners: set[uuid.UUID],
) -> None:
    """Audit a read of data owned by ``owners`` when the reader is not one of them."""
    if principal.employee_id in owners:
        return
    await record(session, principal, f"{subject_type}.read", subject_type, subject_id)


async def list_entries(
    session: AsyncSession,
    principal: Principal,
    filters: AuditFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[AuditEntry]:
    require_admin(principal, "read the audit log")
    statement = select(AuditEntry).where(AuditEntry.organization_id == principal.organization_id)
    if filters.action:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.actor:
        statement = statement.where(AuditEntry.actor == filters.actor)
    if filters.subject_id:
        statement = statement.where(AuditEntry.subject_id == filters.subject_id)
    return await pagination.paginate(
        session, statement, keys=[AuditEntry.id], limit=limit, cursor=cursor
    )
