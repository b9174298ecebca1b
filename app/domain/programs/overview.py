"""The program overview: its objectives and where its consultation stands, at a glance."""

import uuid

from pydantic import BaseModel, Field
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.errors import Forbidden
from app.domain.programs import access, service
from app.domain.programs import consultation as consultations
from app.domain.programs import objectives as objectives_service
from app.domain.programs.consultation_models import (
    Consultation,
    ConsultationRead,
    Stakeholder,
    StakeholderRole,
)
from app.domain.programs.models import MAX_OBJECTIVES, Objective, ObjectiveRead, ProgramRead


class StakeholderCounts(BaseModel):
    invited: int
    responded: int = Field(description="Stakeholders who sent at least one contribution.")


class ContributionCounts(BaseModel):
    pending: int
    accepted: int
    declined: int
    total: int


class ProgramOverview(BaseModel):
    program: ProgramRead
    objectives: list[ObjectiveRead] = Field(description="Every objective, in order.")
    consultation: ConsultationRead | None
    stakeholders: StakeholderCounts
    stakeholders_by_role: dict[StakeholderRole, StakeholderCounts]
    contributions: ContributionCounts


async def program_overview(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> ProgramOverview:
    program = await service.get_program(session, principal, program_id)
    if not access.sees_whole_consultation(principal, program):
        raise Forbidden("Only the program's managers see its overview.", code="not_program_manager")
    objectives = (
        await session.exec(
            select(Objective)
            .where(Objective.program_id == program.id)
            .order_by(col(Objective.position), col(Objective.id))
            .limit(MAX_OBJECTIVES)
        )
    ).all()
    consultation = (
        await session.exec(select(Consultation).where(Consultation.program_id == program.id))
    ).first()
    by_role = {role: StakeholderCounts(invited=0, responded=0) for role in StakeholderRole}
    totals = StakeholderCounts(invited=0, responded=0)
    contributions = ContributionCounts(pending=0, accepted=0, declined=0, total=0)
    if consultation is not None:
        rows = await session.exec(
            select(Stakeholder.role, func.count(), func.count(col(Stakeholder.responded_at)))
            .where(Stakeholder.consultation_id == consultation.id)
            .group_by(col(Stakeholder.role))
        )
        for role, invited, responded in rows:
            by_role[StakeholderRole(role)] = StakeholderCounts(invited=invited, responded=responded)
        totals = StakeholderCounts(
            invited=sum(c.invited for c in by_role.values()),
            responded=sum(c.responded for c in by_role.values()),
        )
        _, by_status = await consultations.consultation_counts(session, consultation.id)
        contributions = ContributionCounts(**by_status, total=sum(by_status.values()))
    return ProgramOverview(
        program=service.to_read(program),
        objectives=[objectives_service.to_read(o) for o in objectives],
        consultation=consultations.to_read(consultation) if consultation else None,
        stakeholders=totals,
        stakeholders_by_role=by_role,
        contributions=contributions,
    )
