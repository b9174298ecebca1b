"""Export everything held about a person; erase it while keeping aggregate counts.

Each module says what it holds (``export``) and how to forget it (``erase``); this module
decides who may ask and runs them all in one transaction.
"""

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.policy import require_admin
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.employees import privacy as employee_privacy
from app.domain.employees import service as employees
from app.domain.errors import Forbidden
from app.domain.events.service import record_event
from app.domain.groups import privacy as group_privacy
from app.domain.integrations import privacy as integration_privacy
from app.domain.matching import privacy as matching_privacy
from app.domain.notifications import privacy as notification_privacy
from app.domain.pairs import privacy as pair_privacy
from app.domain.programs import privacy as program_privacy
from app.domain.support import privacy as support_privacy

MODULES = (
    program_privacy,
    matching_privacy,
    integration_privacy,
    pair_privacy,
    support_privacy,
    group_privacy,
    notification_privacy,
)


async def export_personal_data(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> dict[str, Any]:
    """Everything held about the person: for an administrator, or for the person themself."""
    employee = await employees.get_employee(session, principal, employee_id)
    if principal.employee_id != employee.id and not principal.is_admin:
        raise Forbidden("Only the person or an administrator may export their data.")
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "employee": employee_privacy.export(employee),
    }
    for module in MODULES:
        data.update(await module.export(session, principal.organization_id, employee.id))
    await audit.record(
        session, principal, "employee.personal_data_exported", "employee", employee.id
    )
    return data


async def erase_personal_data(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> None:
    require_admin(principal, "erase personal data")
    employee = await employees.get_employee(session, principal, employee_id)
    for module in MODULES:
        await module.erase(session, principal.organization_id, employee.id)
    await employee_privacy.anonymise(session, employee)
    await audit.record(session, principal, "employee.personal_data_erased", "employee", employee.id)
    await record_event(
        session,
        organization_id=employee.organization_id,
        type="employee.erased",
        subject_type="employee",
        subject_id=employee.id,
        data={"employee_id": str(employee.id)},
        actor=principal,
    )
