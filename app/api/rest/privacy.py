"""REST adapter of personal-data export and erasure."""

import uuid
from typing import Any

from fastapi import APIRouter, status

from app.api.deps import CurrentPrincipal, DbSession
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.domain.privacy import service

router = APIRouter(prefix=f"{API_PREFIX}/employees", tags=["privacy"], responses=common_responses())


@router.get(
    "/{employee_id}/personal-data",
    summary="Export a person's data",
    description="Everything held about the person, as JSON: for them or an administrator.",
    responses=responses(404, codes={404: ("employee_not_found", "not_found")}),
)
async def export_personal_data(
    employee_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    return await service.export_personal_data(db, principal, employee_id)


@router.delete(
    "/{employee_id}/personal-data",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase a person's data",
    description=(
        "Anonymises the employee and the free text they wrote; aggregate counts stay. "
        "Administrators only. Cannot be undone."
    ),
    responses=responses(404, codes={404: ("employee_not_found", "not_found")}),
)
async def erase_personal_data(
    employee_id: uuid.UUID, db: DbSession, principal: CurrentPrincipal
) -> None:
    await service.erase_personal_data(db, principal, employee_id)
