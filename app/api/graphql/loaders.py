"""DataLoaders: each batches the lookups of one request into a single query."""

import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.domain.access.principal import Principal
from app.domain.employees import service as employees
from app.domain.employees.models import Employee
from app.domain.programs import consultation, contributions, objectives
from app.domain.programs.consultation import ConsultationAccess
from app.domain.programs.consultation_models import Contribution
from app.domain.programs.models import Objective, Program

ContributionsKey = tuple[uuid.UUID, uuid.UUID | None]


class Loaders:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        organization_id = principal.organization_id

        async def load_employees(ids: Sequence[uuid.UUID]) -> list[Employee | None]:
            found = await employees.employees_by_ids(session, organization_id, ids)
            return [found.get(i) for i in ids]

        async def load_reports(manager_ids: Sequence[uuid.UUID]) -> list[list[Employee]]:
            grouped = await employees.reports_by_manager_ids(session, organization_id, manager_ids)
            return [grouped[m] for m in manager_ids]

        async def load_objectives(program_ids: Sequence[uuid.UUID]) -> list[list[Objective]]:
            grouped = await objectives.objectives_by_program_ids(
                session, organization_id, program_ids
            )
            return [grouped[p] for p in program_ids]

        async def load_consultations(
            programs: Sequence[Program],
        ) -> list[ConsultationAccess | None]:
            return await consultation.consultations_for(session, principal, programs)

        async def load_contributions(keys: Sequence[ContributionsKey]) -> list[list[Contribution]]:
            return await contributions.contributions_for(session, organization_id, keys)

        self.employee = DataLoader(load_fn=load_employees)
        self.reports = DataLoader(load_fn=load_reports)
        self.objectives = DataLoader(load_fn=load_objectives)
        # Keyed by program, since whether the caller runs it decides what they see.
        self.consultation = DataLoader(
            load_fn=load_consultations, cache_key_fn=lambda program: program.id
        )
        self.contributions = DataLoader(load_fn=load_contributions)
