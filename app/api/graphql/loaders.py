"""DataLoaders: each batches the lookups of one request into a single query."""

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from app.domain.access.principal import Principal
from app.domain.employees import service as employees
from app.domain.employees.models import Employee
from app.domain.groups import service as groups
from app.domain.groups.models import GroupMember
from app.domain.matching.run_models import MatchingProposal
from app.domain.pagination import Page, pages_per_parent
from app.domain.programs import consultation, contributions, objectives
from app.domain.programs.consultation import ConsultationAccess
from app.domain.programs.consultation_models import Stakeholder
from app.domain.programs.models import Objective, Program

ContributionsKey = tuple[uuid.UUID, uuid.UUID | None]
P = TypeVar("P", bound=Hashable)
# A nested list's page: (its parent, first, after).
PageKey = tuple[P, int | None, str | None]


def paged_loader(
    load_pages: Callable[[list[P], int | None, str | None], Awaitable[dict[P, Page[Any]]]],
) -> DataLoader[PageKey[P], Page[Any]]:
    """Batches nested lists' pages: one query per distinct (first, after) in the request."""

    async def load(keys: Sequence[PageKey[P]]) -> list[Page[Any]]:
        groups: dict[tuple[int | None, str | None], list[P]] = defaultdict(list)
        for parent, first, after in keys:
            groups[(first, after)].append(parent)
        found: dict[PageKey[P], Page[Any]] = {}
        for (first, after), parents in groups.items():
            pages = await load_pages(parents, first, after)
            for parent in parents:
                found[(parent, first, after)] = pages[parent]
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        organization_id = principal.organization_id

        async def load_employees(ids: Sequence[uuid.UUID]) -> list[Employee | None]:
            found = await employees.employees_by_ids(session, organization_id, ids)
            return [found.get(i) for i in ids]

        async def load_objectives(program_ids: Sequence[uuid.UUID]) -> list[list[Objective]]:
            grouped = await objectives.objectives_by_program_ids(
                session, organization_id, program_ids
            )
            return [grouped[p] for p in program_ids]

        async def load_consultations(
            programs: Sequence[Program],
        ) -> list[ConsultationAccess | None]:
            return await consultation.consultations_for(session, principal, programs)

        async def load_contributions(
            keys: list[ContributionsKey], first: int | None, after: str | None
        ) -> dict[ContributionsKey, Page[Any]]:
            return await contributions.contribution_pages(
                session, organization_id, keys, limit=first, cursor=after
            )

        async def load_member_counts(group_ids: Sequence[uuid.UUID]) -> list[int]:
            counts = await groups.member_counts(session, organization_id, group_ids)
            return [counts[g] for g in group_ids]

        self.employee = DataLoader(load_fn=load_employees)
        self.member_count = DataLoader(load_fn=load_member_counts)

        def children(model: Any, parent: Any) -> DataLoader[PageKey[uuid.UUID], Page[Any]]:
            """Pages of children of parents the caller was allowed to read."""

            async def load(
                parent_ids: list[uuid.UUID], first: int | None, after: str | None
            ) -> dict[uuid.UUID, Page[Any]]:
                return await pages_per_parent(
                    session,
                    model,
                    parent,
                    parent_ids,
                    organization_id=organization_id,
                    limit=first,
                    cursor=after,
                )

            return paged_loader(load)

        self.reports = children(Employee, col(Employee.manager_id))
        self.proposals = children(MatchingProposal, col(MatchingProposal.run_id))
        # Stakeholders: the resolver checks the caller sees the consultation whole.
        self.stakeholders = children(Stakeholder, col(Stakeholder.consultation_id))
        # Group members: the resolver checks the caller may see who is in a group.
        self.group_members = children(GroupMember, col(GroupMember.group_id))
        self.objectives = DataLoader(load_fn=load_objectives)
        # Keyed by program, since whether the caller runs it decides what they see.
        self.consultation = DataLoader(
            load_fn=load_consultations, cache_key_fn=lambda program: program.id
        )
        self.contributions = paged_loader(load_contributions)
