"""Use cases of a program's stakeholder consultation: open, amend, close, read.

Managers see the whole consultation. An invited employee sees the consultations they are
invited to (and, there, their own contributions); to anyone else a consultation does not exist.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.programs import access
from app.domain.programs.consultation_models import (
    Consultation,
    ConsultationClose,
    ConsultationFilter,
    ConsultationOpen,
    ConsultationRead,
    ConsultationStatus,
    ConsultationUpdate,
    Contribution,
    ContributionStatus,
    Stakeholder,
)
from app.domain.programs.lifecycle import change_status
from app.domain.programs.models import Program, ProgramManager, ProgramStatus
from app.domain.programs.service import get_program, program_for_change


def to_read(consultation: Consultation) -> ConsultationRead:
    return ConsultationRead.model_validate(consultation)


def _not_found() -> NotFound:
    return NotFound("Consultation not found.", code="consultation_not_found")


@dataclass(frozen=True, slots=True)
class ConsultationAccess:
    """A consultation as one caller sees it."""

    program: Program
    consultation: Consultation
    whole: bool  # every stakeholder and contribution, or only the caller's own
    stakeholder: Stakeholder | None  # the caller's invitation, if they are invited

    @property
    def contributions_key(self) -> tuple[uuid.UUID, uuid.UUID | None]:
        """What :func:`contributions.contribution_pages` should return for this caller."""
        if self.whole:
            return self.consultation.id, None
        assert self.stakeholder is not None
        return self.consultation.id, self.stakeholder.id


async def _of_program(
    session: AsyncSession, program: Program, *, lock: bool = False
) -> Consultation:
    statement = select(Consultation).where(Consultation.program_id == program.id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    consultation = (await session.exec(statement)).first()
    if consultation is None:
        raise _not_found()
    return consultation


async def _invitation(
    session: AsyncSession, principal: Principal, consultation: Consultation
) -> Stakeholder | None:
    if principal.employee_id is None:
        return None
    rows = await session.exec(
        select(Stakeholder).where(
            Stakeholder.consultation_id == consultation.id,
            Stakeholder.employee_id == principal.employee_id,
        )
    )
    return rows.first()


async def consultation_access(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, *, lock: bool = False
) -> ConsultationAccess:
    """The program's consultation if the caller may see it; not found otherwise."""
    program = await get_program(session, principal, program_id, lock=lock)
    consultation = await _of_program(session, program, lock=lock)
    whole = access.sees_whole_consultation(principal, program)
    stakeholder = await _invitation(session, principal, consultation)
    if not whole and stakeholder is None:
        raise _not_found()
    return ConsultationAccess(program, consultation, whole, stakeholder)


async def consultations_for(
    session: AsyncSession, principal: Principal, programs: Sequence[Program]
) -> list[ConsultationAccess | None]:
    """The consultation of each visible program as the caller sees it, in two queries."""
    if not programs:
        return []
    rows = await session.exec(
        select(Consultation).where(
            Consultation.organization_id == principal.organization_id,
            col(Consultation.program_id).in_([p.id for p in programs]),
        )
    )
    by_program = {c.program_id: c for c in rows}
    invitations: dict[uuid.UUID, Stakeholder] = {}
    if principal.employee_id is not None and by_program:
        invited = await session.exec(
            select(Stakeholder).where(
                col(Stakeholder.consultation_id).in_([c.id for c in by_program.values()]),
                Stakeholder.employee_id == principal.employee_id,
            )
        )
        invitations = {s.consultation_id: s for s in invited}
    found: list[ConsultationAccess | None] = []
    for program in programs:
        consultation = by_program.get(program.id)
        whole = access.sees_whole_consultation(principal, program)
        invitation = invitations.get(consultation.id) if consultation else None
        if consultation is None or not (whole or invitation):
            found.append(None)
        else:
            found.append(ConsultationAccess(program, consultation, whole, invitation))
    return found


async def get_consultation(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> Consultation:
    return (await consultation_access(session, principal, program_id)).consultation


async def managed_consultation(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> tuple[Program, Consultation]:
    """The program and its open consultation, both locked, for one of its managers."""
    program = await program_for_change(session, principal, program_id)
    consultation = await _of_program(session, program, lock=True)
    require_open(consultation)
    return program, consultation


def require_open(consultation: Consultation) -> None:
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict("The consultation is closed.", code="consultation_closed")


def _require_future(deadline: datetime) -> None:
    if deadline <= utcnow():
        raise Invalid(
            "The deadline must be in the future.",
            errors=[field_error("deadline", "must be in the future", "past_deadline")],
        )


async def open_consultation(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: ConsultationOpen
) -> Consultation:
    """Open the program's consultation; a draft program moves to the consultation stage."""
    program = await program_for_change(session, principal, program_id)
    if program.status not in (ProgramStatus.DRAFT, ProgramStatus.CONSULTATION):
        raise Conflict(
            f"A {program.status} program is past its consultation.",
            code="consultation_not_allowed",
            current_status=str(program.status),
        )
    existing = await session.exec(
        select(Consultation.id).where(Consultation.program_id == program.id)
    )
    if existing.first() is not None:
        raise Conflict("The program has a consultation already.", code="consultation_exists")
    _require_future(data.deadline)
    if program.status == ProgramStatus.DRAFT:
        await change_status(session, principal, program, ProgramStatus.CONSULTATION)
    consultation = Consultation(
        organization_id=program.organization_id,
        program_id=program.id,
        question=data.question,
        deadline=data.deadline,
        opened_by=principal.actor,
    )
    session.add(consultation)
    await session.flush()
    return consultation


async def update_consultation(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    data: ConsultationUpdate,
    expected_version: int | None,
) -> Consultation:
    _program, consultation = await managed_consultation(session, principal, program_id)
    check_version(consultation.version, expected_version, "consultation")
    changes = data.model_dump(exclude_unset=True)
    for name in ("question", "deadline"):
        if name in changes and changes[name] is None:
            raise Invalid(
                "Some required fields cannot be cleared.",
                errors=[field_error(name, "cannot be null", "required")],
            )
    if "deadline" in changes:
        _require_future(changes["deadline"])
    changed = {k: v for k, v in changes.items() if getattr(consultation, k) != v}
    if not changed:
        return consultation
    for name, value in changed.items():
        setattr(consultation, name, value)
    await flush_versioned(session, "consultation")
    return consultation


async def consultation_counts(
    session: AsyncSession, consultation_id: uuid.UUID
) -> tuple[dict[str, int], dict[str, int]]:
    """(stakeholders invited/responded, contributions by status) of one consultation."""
    invited, responded = (
        await session.exec(
            select(func.count(), func.count(col(Stakeholder.responded_at))).where(
                Stakeholder.consultation_id == consultation_id
            )
        )
    ).one()
    by_status = {status.value: 0 for status in ContributionStatus}
    rows = await session.exec(
        select(Contribution.status, func.count())
        .where(Contribution.consultation_id == consultation_id)
        .group_by(col(Contribution.status))
    )
    for status, count in rows:
        by_status[str(status)] = count
    return {"invited": invited, "responded": responded}, by_status


async def close_consultation(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    data: ConsultationClose,
    expected_version: int | None = None,
) -> Consultation:
    """Close with a summary once every contribution is accepted or declined."""
    program, consultation = await managed_consultation(session, principal, program_id)
    if expected_version is not None:
        check_version(consultation.version, expected_version, "consultation")
    stakeholders, contributions = await consultation_counts(session, consultation.id)
    pending = contributions[ContributionStatus.PENDING.value]
    if pending:
        raise Conflict(
            f"{pending} contribution(s) still wait for a decision.",
            code="contributions_pending",
            pending=pending,
        )
    consultation.status = ConsultationStatus.CLOSED
    consultation.summary = data.summary
    consultation.closed_by = principal.actor
    consultation.closed_at = utcnow()
    await flush_versioned(session, "consultation")
    await record_event(
        session,
        organization_id=consultation.organization_id,
        type="consultation.closed",
        subject_type="consultation",
        subject_id=consultation.id,
        data={
            "program_id": str(program.id),
            "consultation": to_read(consultation).model_dump(mode="json"),
            "stakeholders": stakeholders,
            "contributions": contributions,
        },
        actor=principal,
    )
    return consultation


async def list_consultations(
    session: AsyncSession,
    principal: Principal,
    filters: ConsultationFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Consultation]:
    """The consultations the caller runs or is invited to (all of them for readers)."""
    access.require_read(principal)
    statement = select(Consultation).where(
        Consultation.organization_id == principal.organization_id
    )
    if not access.reads_all(principal):
        managed = select(ProgramManager.program_id).where(
            ProgramManager.employee_id == principal.employee_id
        )
        invited = select(Stakeholder.consultation_id).where(
            Stakeholder.employee_id == principal.employee_id
        )
        statement = statement.where(
            or_(col(Consultation.program_id).in_(managed), col(Consultation.id).in_(invited))
        )
    if filters.status is not None:
        statement = statement.where(Consultation.status == filters.status.value)
    return await pagination.paginate(
        session, statement, keys=[Consultation.id], limit=limit, cursor=cursor
    )


async def list_consultation_access(
    session: AsyncSession,
    principal: Principal,
    filters: ConsultationFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[ConsultationAccess]:
    """:func:`list_consultations`, each consultation as the caller sees it."""
    page = await list_consultations(session, principal, filters, limit=limit, cursor=cursor)
    if not page.items:
        return pagination.Page(
            items=[], next_cursor=page.next_cursor, has_previous=page.has_previous
        )
    rows = await session.exec(
        select(Program).where(
            Program.organization_id == principal.organization_id,
            col(Program.id).in_({c.program_id for c in page.items}),
        )
    )
    programs = {p.id: p for p in rows}
    seen = await consultations_for(session, principal, [programs[c.program_id] for c in page.items])
    kept = [(s, resume) for s, resume in zip(seen, page.cursors, strict=True) if s is not None]
    return pagination.Page(
        items=[s for s, _ in kept],
        next_cursor=page.next_cursor,
        cursors=[r for _, r in kept],
        has_previous=page.has_previous,
    )
