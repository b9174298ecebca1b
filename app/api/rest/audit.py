"""REST adapter of the audit trail."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import CurrentPrincipal, DbSession, Paging
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.domain.audit import service
from app.domain.audit.models import AuditEntryRead, AuditFilter
from app.domain.schemas import NO_NUL_PATTERN

router = APIRouter(prefix=f"{API_PREFIX}/audit-log", tags=["audit"], responses=common_responses())


def _filters(
    action: Annotated[
        str | None,
        Query(max_length=80, pattern=NO_NUL_PATTERN, description="e.g. `api_key.revoked`"),
    ] = None,
    actor: Annotated[
        str | None,
        Query(
            max_length=80,
            pattern=NO_NUL_PATTERN,
            description="`employee:<id>` or `api_key:<id>`",
        ),
    ] = None,
    subject_id: uuid.UUID | None = None,
) -> AuditFilter:
    return AuditFilter(action=action, actor=actor, subject_id=subject_id)


@router.get(
    "",
    summary="List audit entries",
    description="Administrators' actions and managers' reads of others' data, oldest first.",
    responses=responses(codes={404: ("not_found",)}),
)
async def list_audit_entries(
    db: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    filters: Annotated[AuditFilter, Depends(_filters)],
) -> Page[AuditEntryRead]:
    page = await service.list_entries(
        db, principal, filters, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[AuditEntryRead.model_validate(e, from_attributes=True) for e in page.items],
        next_cursor=page.next_cursor,
    )
