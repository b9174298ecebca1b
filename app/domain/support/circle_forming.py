"""Forming circles automatically: balanced sizes, mixed experience, spread departments."""

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.employees.models import Employee
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.support import access, circles
from app.domain.support.models import Circle, CircleMember
from app.domain.support.schemas import CircleAutoForm


def form_groups(
    mentors: Sequence[tuple[uuid.UUID, int, str | None, date | None]], target_size: int
) -> list[list[uuid.UUID]]:
    """Split mentors ``(id, seniority, department, hire date)`` into balanced circles.

    Mentors are ordered from the most to the least experienced and taken in bands of one
    per circle, so every circle gets one mentor of each experience band (sizes differ by at
    most one). Within a band, an optimal assignment (scipy) sends each mentor to the circle
    with the fewest colleagues of their department. Deterministic: the same mentors always
    give the same circles, whatever order they come in.
    """
    if not mentors:
        return []
    count = max(1, round(len(mentors) / target_size))
    ordered = sorted(mentors, key=lambda m: (-m[1], m[3] or date.max, str(m[2] or ""), str(m[0])))
    groups: list[list[uuid.UUID]] = [[] for _ in range(count)]
    departments: list[Counter[str]] = [Counter() for _ in range(count)]
    for start in range(0, len(ordered), count):
        band = ordered[start : start + count]
        cost = np.array(
            [[departments[j][m[2] or ""] for j in range(count)] for m in band], dtype=float
        )
        rows, columns = linear_sum_assignment(cost)
        for row, column in zip(rows, columns, strict=True):
            mentor_id, _seniority, department, _hired = band[row]
            groups[column].append(mentor_id)
            departments[column][department or ""] += 1
    return groups


async def auto_form(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: CircleAutoForm
) -> list[Circle]:
    """Put every approved mentor who is in no circle of the program into new circles."""
    program = await access.load_program(session, principal, program_id)
    access.require_run(principal, program)
    circles.require_open(program)
    placed = select(CircleMember.employee_id).where(
        CircleMember.program_id == program.id, col(CircleMember.employee_id).is_not(None)
    )
    rows = await session.exec(
        select(
            col(Employee.id),
            col(Employee.seniority_level),
            col(Employee.department),
            col(Employee.hire_date),
        )
        .join(Participant, col(Participant.employee_id) == col(Employee.id))
        .where(
            Participant.program_id == program.id,
            Participant.role == ParticipantRole.MENTOR.value,
            Participant.status == ParticipantStatus.APPROVED.value,
            col(Employee.id).not_in(placed),
        )
    )
    groups = form_groups(list(rows.all()), data.target_size)
    existing = (
        await session.exec(
            select(func.count()).select_from(Circle).where(Circle.program_id == program.id)
        )
    ).one()
    formed: list[Circle] = []
    for number, group in enumerate(groups, start=int(existing) + 1):
        circle = Circle(
            organization_id=program.organization_id,
            program_id=program.id,
            name=f"{data.name_prefix} {number}",
            facilitator_employee_id=group[0],
        )
        session.add(circle)
        await session.flush()
        session.add_all(
            [
                CircleMember(
                    organization_id=program.organization_id,
                    circle_id=circle.id,
                    program_id=program.id,
                    employee_id=employee_id,
                )
                for employee_id in group
            ]
        )
        formed.append(circle)
    await session.flush()
    return formed
