"""DataLoaders: each batches the lookups of one request into a single query."""

import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.domain.access.principal import Principal
from app.domain.employees import service as employees
from app.domain.employees.models import Employee


class Loaders:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        organization_id = principal.organization_id

        async def load_employees(ids: Sequence[uuid.UUID]) -> list[Employee | None]:
            found = await employees.employees_by_ids(session, organization_id, ids)
            return [found.get(i) for i in ids]

        async def load_reports(manager_ids: Sequence[uuid.UUID]) -> list[list[Employee]]:
            grouped = await employees.reports_by_manager_ids(session, organization_id, manager_ids)
            return [grouped[m] for m in manager_ids]

        self.employee = DataLoader(load_fn=load_employees)
        self.reports = DataLoader(load_fn=load_reports)
