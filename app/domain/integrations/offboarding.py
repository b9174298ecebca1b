"""What happens when an employee leaves the company, whichever channel reports it.

An HRIS webhook, a SCIM ``DELETE``, a CSV row with a terminated status all end here, so
the consequences are decided once.
"""

import uuid
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.employees import service as employees
from app.domain.employees.models import Employee
from app.domain.groups import offboarding as groups_offboarding
from app.domain.matching import decisions
from app.domain.pairs import offboarding as pairs_offboarding
from app.domain.support import offboarding as support_offboarding


async def offboard(
    session: AsyncSession,
    principal: Principal,
    employee_id: uuid.UUID,
    *,
    terminated_on: date | None = None,
    source_updated_at: datetime | None = None,
) -> Employee:
    """Terminate the employee and release everything they hold in the organisation.

    Nothing is deleted: the employee stays, terminated, with their history. Every step is
    a call to the owning module's service, in the caller's transaction, so the whole
    cascade commits (with its events) or not at all. Running it twice changes nothing.
    """
    employee = await employees.terminate_employee(
        session,
        principal,
        employee_id,
        terminated_on=terminated_on or utcnow().date(),
        source_updated_at=source_updated_at,
    )
    # Pairs end first: an enrolment is withdrawn only once its pairs are over.
    await pairs_offboarding.release(session, principal, employee_id)
    await decisions.withdraw_employee(session, principal, employee_id)
    await support_offboarding.release(session, principal, employee_id)
    await groups_offboarding.release(session, principal, employee_id)
    return employee
