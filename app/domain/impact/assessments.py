"""Use cases of self-assessments: the items a program asks its mentors or mentees to rate
themselves on, and each participant's own answers at the baseline, mid and end waves.

An answer is personal: only the person who gave it reads it (and their personal-data
export); reports show aggregates over at least ``MINIMUM_GROUP_SIZE`` people.
"""

import uuid

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain.access.principal import Principal
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.impact.models import (
    MAX_ASSESSMENT_ITEMS,
    AnswerRead,
    AnswersWrite,
    AssessmentAnswer,
    AssessmentItem,
    AssessmentItemCreate,
    AssessmentItemRead,
    Side,
    Wave,
)
from app.domain.participants.models import Participant, ParticipantStatus
from app.domain.programs.models import Objective, Program, ProgramStatus
from app.domain.programs.service import get_program, program_for_change

# When each wave may be answered: the baseline from enrolment until the pairs run, the
# mid-point while they run, the end while they run and once the program completed.
WAVE_OPEN: dict[Wave, frozenset[ProgramStatus]] = {
    Wave.BASELINE: frozenset(
        {ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE}
    ),
    Wave.MID: frozenset({ProgramStatus.ACTIVE}),
    Wave.END: frozenset({ProgramStatus.ACTIVE, ProgramStatus.COMPLETED}),
}
_ITEMS_FIXED = frozenset({ProgramStatus.COMPLETED, ProgramStatus.ARCHIVED})


def item_read(item: AssessmentItem) -> AssessmentItemRead:
    return AssessmentItemRead.model_validate(item, from_attributes=True)


def answer_read(answer: AssessmentAnswer) -> AnswerRead:
    return AnswerRead.model_validate(answer, from_attributes=True)


async def program_items(session: AsyncSession, program: Program) -> list[AssessmentItem]:
    rows = await session.exec(
        select(AssessmentItem)
        .where(
            AssessmentItem.organization_id == program.organization_id,
            AssessmentItem.program_id == program.id,
        )
        .order_by(col(AssessmentItem.position), col(AssessmentItem.id))
    )
    return list(rows.all())


async def list_items(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> list[AssessmentItem]:
    program = await get_program(session, principal, program_id)
    return await program_items(session, program)


async def create_item(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: AssessmentItemCreate
) -> AssessmentItem:
    program = await program_for_change(session, principal, program_id)
    if program.status in _ITEMS_FIXED:
        raise Conflict(
            f"The assessment of a {program.status} program can no longer change.",
            code="assessment_locked",
        )
    if data.objective_id is not None:
        objective = await session.get(Objective, data.objective_id)
        if objective is None or objective.program_id != program.id:
            raise Invalid(
                "The objective is not one of the program's.",
                code="objective_not_in_program",
                errors=[field_error("objective_id", "an objective of the program", "invalid")],
            )
    count, last = (
        await session.exec(
            select(func.count(), func.max(AssessmentItem.position)).where(
                AssessmentItem.program_id == program.id
            )
        )
    ).one()
    if count >= MAX_ASSESSMENT_ITEMS:
        raise Conflict(
            f"A program has at most {MAX_ASSESSMENT_ITEMS} assessment items.",
            code="assessment_item_limit_reached",
        )
    item = AssessmentItem(
        organization_id=program.organization_id,
        program_id=program.id,
        objective_id=data.objective_id,
        side=data.side,
        statement=data.statement,
        position=(last or 0) + 1,
    )
    session.add(item)
    await session.flush()
    return item


async def delete_item(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, item_id: uuid.UUID
) -> None:
    program = await program_for_change(session, principal, program_id)
    item = await session.get(AssessmentItem, item_id)
    if item is None or item.program_id != program.id:
        raise NotFound("Assessment item not found.", code="assessment_item_not_found")
    answered = (
        await session.exec(select(func.count()).where(AssessmentAnswer.item_id == item.id))
    ).one()
    if answered:
        raise Conflict(
            "People have answered this item; it stays so their answers keep their meaning.",
            code="assessment_item_answered",
        )
    await session.delete(item)
    await session.flush()


async def _own_side(session: AsyncSession, principal: Principal, program: Program) -> Side:
    participant = (
        await session.exec(
            select(Participant).where(
                Participant.program_id == program.id,
                Participant.employee_id == principal.employee_id,
                Participant.status == ParticipantStatus.APPROVED,
            )
        )
    ).first()
    if principal.employee_id is None or participant is None:
        raise Forbidden(
            "Only the program's approved participants answer its assessment.",
            code="not_a_participant",
        )
    return Side(str(participant.role))


async def answer(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    wave: Wave,
    data: AnswersWrite,
) -> list[AssessmentAnswer]:
    """Record (or correct) the caller's answers at ``wave``, while that wave is open."""
    program = await get_program(session, principal, program_id)
    side = await _own_side(session, principal, program)
    if program.status not in WAVE_OPEN[wave]:
        raise Conflict(
            f"The {wave} assessment is not open while the program is {program.status}.",
            code="assessment_wave_closed",
            current_status=str(program.status),
        )
    items = {item.id: item for item in await program_items(session, program)}
    wanted = [a.item_id for a in data.answers]
    wrong = [
        str(i)
        for i in wanted
        if i not in items or items[i].side != side  # another side's item is not theirs
    ]
    if wrong or len(set(wanted)) != len(wanted):
        raise Invalid(
            "Answer each of your side's items of this program at most once.",
            code="assessment_items_invalid",
            errors=[field_error("answers", f"not your items: {', '.join(wrong)}", "invalid")],
        )
    assert principal.employee_id is not None
    existing = {
        a.item_id: a
        for a in (
            await session.exec(
                select(AssessmentAnswer).where(
                    AssessmentAnswer.program_id == program.id,
                    AssessmentAnswer.employee_id == principal.employee_id,
                    AssessmentAnswer.wave == wave,
                )
            )
        ).all()
    }
    now = utcnow()
    saved: list[AssessmentAnswer] = []
    for part in data.answers:
        row = existing.get(part.item_id)
        if row is None:
            row = AssessmentAnswer(
                organization_id=program.organization_id,
                program_id=program.id,
                item_id=part.item_id,
                employee_id=principal.employee_id,
                wave=wave,
                score=part.score,
                answered_at=now,
            )
            session.add(row)
        else:
            row.score, row.answered_at = part.score, now
        saved.append(row)
    await session.flush()
    return saved


async def own_answers(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> list[AssessmentAnswer]:
    """The caller's own answers; nobody reads another person's."""
    program = await get_program(session, principal, program_id)
    if principal.employee_id is None:
        return []
    rows = await session.exec(
        select(AssessmentAnswer)
        .where(
            AssessmentAnswer.organization_id == program.organization_id,
            AssessmentAnswer.program_id == program.id,
            AssessmentAnswer.employee_id == principal.employee_id,
        )
        .order_by(col(AssessmentAnswer.item_id), col(AssessmentAnswer.wave))
    )
    return list(rows.all())
