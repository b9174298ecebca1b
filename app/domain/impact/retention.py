"""Retention and internal mobility of a program's participants against a comparison group.

The comparison group is drawn from the directory the HRIS keeps in sync: employees who did
not take part in the program, in a department and seniority band where participants are
(their department at the start, read back through the history of moves), hired before the
program started and still employed on its start date.

- Retained at N months: not terminated on the day N months after the start. Only people
  whose N months have passed are counted (``observed_*``).
- Moved: the department or job title changed after the start (the history of moves holds
  changes the directory learned of; it starts when the service started recording).

This is an observational comparison, not proof of cause: people chose (or were chosen) to
take part, and nothing here adjusts for why.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.employees.models import Employee, EmployeeMove, EmployeeStatus
from app.domain.impact import statistics
from app.domain.impact.schemas import MINIMUM_GROUP_SIZE, GroupOutcome, Retention
from app.domain.participants.models import Participant, ParticipantStatus
from app.domain.programs.models import Program

METHOD = (
    "Participants (approved, either side, or withdrawn after the start) against employees "
    "who did not take part, in the "
    "same department and seniority band (levels 0-2, 3-5, 6-9, 10 and above) as at least one "
    "participant, hired before the program started and employed on its start date. Retention "
    "at 6 and 12 months counts those not terminated on that day, among those whose 6 or 12 "
    "months have passed. Mobility counts those whose department or job title changed after "
    "the start. Groups under 5 people are not shown."
)
LIMITS = (
    "An observational comparison, not proof of cause: participants chose or were chosen to "
    "take part, and no adjustment is made for why. Groups are compared as wholes, not "
    "weighted by department and band. Moves count only the changes the directory recorded "
    "(from the day it kept a history); a person erased on request has no hire date and "
    "leaves the comparison group."
)

_BANDS = ((0, 2), (3, 5), (6, 9), (10, 99))


def band(level: int) -> int:
    return next(i for i, (low, high) in enumerate(_BANDS) if low <= level <= high)


@dataclass(slots=True)
class Person:
    id: uuid.UUID
    department: str | None
    level: int
    hire_date: date | None
    left_on: date | None  # None: still employed


def _outcome(people: list[Person], moved: set[uuid.UUID], start: date, today: date) -> GroupOutcome:
    size = len(people)
    if size < MINIMUM_GROUP_SIZE:
        return GroupOutcome(size=size, shown=False)
    figures: dict[str, object] = {}
    for months in (6, 12):
        day = start + relativedelta(months=months)
        if day > today:
            continue
        retained = sum(1 for p in people if p.left_on is None or p.left_on > day)
        figures[f"retained_{months}m"] = retained
        figures[f"observed_{months}m"] = size
        figures[f"retention_{months}m"] = statistics.rate(retained, size)
    moves = sum(1 for p in people if p.id in moved)
    return GroupOutcome(
        size=size,
        shown=True,
        moved=moves,
        mobility=statistics.rate(moves, size),
        **figures,
    )


async def _people(session: AsyncSession, organization_id: uuid.UUID) -> list[Person]:
    rows = await session.exec(
        select(  # type: ignore[call-overload]  # more columns than typed overloads
            Employee.id,
            Employee.department,
            Employee.seniority_level,
            Employee.hire_date,
            Employee.terminated_on,
            Employee.status,
        ).where(Employee.organization_id == organization_id)
    )
    people = []
    for id_, department, level, hired, terminated_on, status in rows.all():
        left = terminated_on or (date.min if status == EmployeeStatus.TERMINATED else None)
        people.append(Person(id_, department, level, hired, left))
    return people


async def _moves_since(
    session: AsyncSession, organization_id: uuid.UUID, start: date
) -> list[EmployeeMove]:
    since = datetime.combine(start, time(), tzinfo=UTC)
    rows = await session.exec(
        select(EmployeeMove)
        .where(
            EmployeeMove.organization_id == organization_id,
            col(EmployeeMove.changed_at) >= since,
        )
        .order_by(col(EmployeeMove.changed_at), col(EmployeeMove.id))
    )
    return list(rows.all())


async def retention(session: AsyncSession, program: Program, today: date) -> Retention:
    start = program.starts_on
    if start is None:
        empty = GroupOutcome(size=0, shown=False)
        return Retention(
            starts_on=None,
            participants=empty,
            comparison=empty,
            strata=0,
            method=METHOD,
            limits=LIMITS,
            note="The program has no start date: nothing to compare from.",
        )
    enrolled = (
        await session.exec(
            select(Participant.employee_id, Participant.status, Participant.decided_at).where(
                Participant.program_id == program.id
            )
        )
    ).all()
    ever_enrolled = {employee_id for employee_id, _status, _at in enrolled}
    # Those who took part: approved, or withdrawn after the start (leaving the company
    # withdraws a person; dropping them would hide exactly the departures measured here).
    participant_ids = {
        employee_id
        for employee_id, status, decided_at in enrolled
        if status == ParticipantStatus.APPROVED
        or (
            status == ParticipantStatus.WITHDRAWN
            and decided_at is not None
            and decided_at.date() >= start
        )
    }
    people = await _people(session, program.organization_id)
    moves = await _moves_since(session, program.organization_id, start)
    moved = {m.employee_id for m in moves}
    # The department on the start day: the value the first later move changed from.
    department_at_start: dict[uuid.UUID, str | None] = {}
    for move in moves:
        if move.field == "department":
            department_at_start.setdefault(move.employee_id, move.from_value)
    for person in people:
        if person.id in department_at_start:
            person.department = department_at_start[person.id]
    participants = [
        p for p in people if p.id in participant_ids and (p.left_on is None or p.left_on >= start)
    ]
    strata = {(p.department, band(p.level)) for p in participants}
    comparison = [
        p
        for p in people
        if p.id not in ever_enrolled
        and p.hire_date is not None
        and p.hire_date < start
        and (p.left_on is None or p.left_on >= start)
        and (p.department, band(p.level)) in strata
    ]
    note = None
    if start + relativedelta(months=6) > today:
        note = "Fewer than 6 months since the start: retention is not measured yet."
    elif start + relativedelta(months=12) > today:
        note = "Fewer than 12 months since the start: 12-month retention is not measured yet."
    return Retention(
        starts_on=start,
        participants=_outcome(participants, moved, start, today),
        comparison=_outcome(comparison, moved, start, today),
        strata=len(strata),
        method=METHOD,
        limits=LIMITS,
        note=note,
    )
