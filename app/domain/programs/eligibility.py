"""Who may enrol in a program: members of the groups it names, or anyone if it names none."""

import uuid
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.errors import Conflict, Invalid, field_error
from app.domain.groups import service as groups
from app.domain.groups.models import Group
from app.domain.programs.models import Program, ProgramEligibleGroup


async def check_groups(
    session: AsyncSession, organization_id: uuid.UUID, group_ids: Sequence[uuid.UUID]
) -> None:
    if not group_ids:
        return
    known = set(
        (
            await session.exec(
                select(Group.id).where(
                    Group.organization_id == organization_id, col(Group.id).in_(group_ids)
                )
            )
        ).all()
    )
    errors = [
        field_error(f"eligible_group_ids.{i}", "not a group of this organisation", "not_found")
        for i, group_id in enumerate(group_ids)
        if group_id not in known
    ]
    if errors:
        # An identifier in the body that names nothing in the organisation, as for a manager:
        # the request fits the schema but breaks a rule against what is stored (409); 404
        # stays for the resource the path names.
        raise Invalid(
            "Unknown groups in the enrolment rule.", code="group_not_found", errors=errors
        )


def replace_eligible_groups(program: Program, group_ids: Sequence[uuid.UUID]) -> None:
    kept = {link.group_id: link for link in program.eligibility_links}
    program.eligibility_links = [
        kept.get(group_id)
        or ProgramEligibleGroup(
            organization_id=program.organization_id, program_id=program.id, group_id=group_id
        )
        for group_id in group_ids
    ]


async def check_enrolment_eligibility(
    session: AsyncSession, program: Program, employee_id: uuid.UUID
) -> None:
    """Refuse to enrol someone outside the groups the program is restricted to (409)."""
    group_ids = program.eligible_group_ids
    if not group_ids:
        return
    if await groups.in_any_group(session, program.organization_id, employee_id, group_ids):
        return
    raise Conflict(
        "Only members of the program's eligible groups may enrol, and this person is in none "
        "of them.",
        code="not_eligible",
        reason="not_in_eligible_group",
        eligible_group_ids=[str(g) for g in group_ids],
    )
