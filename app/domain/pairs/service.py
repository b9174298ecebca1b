"""Use cases of pairs: create one by hand, read and list them, move them through their states.

    proposed → active ⇄ paused → completed | ended_early (mismatch, left_company, schedule,
    inactive, other); a proposal can also be ended early (declined).

Managers of the program (and administrators) may make every move; the pair's own people
may pause, resume and end their pair but not activate a proposal. Ending goes through
``door.close_pair``, which gives the seats back; a pair opens only through
``door.open_pair``.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.pairs import access, repository
from app.domain.pairs.door import close_pair, open_pair
from app.domain.pairs.models import OPEN_STATUSES, EndReason, Pair, PairOrigin, PairStatus
from app.domain.pairs.schemas import (
    PairCreate,
    PairFilter,
    PairRead,
    PairTransition,
)
from app.domain.participants.models import Participant, ParticipantStatus
from app.domain.programs import access as program_access
from app.domain.programs import service as programs
from app.domain.programs.models import Program

ALLOWED: dict[PairStatus, frozenset[PairStatus]] = {
    PairStatus.PROPOSED: frozenset({PairStatus.ACTIVE, PairStatus.ENDED_EARLY}),
    PairStatus.ACTIVE: frozenset({PairStatus.PAUSED, PairStatus.COMPLETED, PairStatus.ENDED_EARLY}),
    PairStatus.PAUSED: frozenset({PairStatus.ACTIVE, PairStatus.COMPLETED, PairStatus.ENDED_EARLY}),
    PairStatus.COMPLETED: frozenset(),
    PairStatus.ENDED_EARLY: frozenset(),
}


@dataclass(frozen=True, slots=True)
class SeenPair:
    """A pair with its program, as one caller may see it."""

    pair: Pair
    program: Program


def to_read(pair: Pair) -> PairRead:
    return PairRead.model_validate(pair)


def not_found() -> NotFound:
    return NotFound("Pair not found.", code="pair_not_found")


# The pair, its program, the program's managers and its eligible groups in one statement,
# built once: every request about a pair starts here. (Left to the relationships' own
# "selectin" loading, the eligible groups cost a second round trip on every such request.)
_PAIR_WITH_PROGRAM = (
    repository.with_programs(bindparam("organization_id"))
    .where(col(Pair.id) == bindparam("pair_id"))
    .options(joinedload(Program.eligibility_links))  # type: ignore[arg-type]
)


async def load_pair(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, *, lock: bool = False
) -> SeenPair:
    """A pair the caller may see (404 otherwise); ``lock`` holds it until the commit."""
    if lock:
        statement = repository.locked(
            repository.of_organization(principal.organization_id).where(Pair.id == pair_id)
        )
        pair = (await session.exec(statement)).first()
        if pair is None:
            raise not_found()
        program = (await session.exec(select(Program).where(Program.id == pair.program_id))).one()
    else:
        params = {"pair_id": pair_id, "organization_id": principal.organization_id}
        result: Any = await session.exec(_PAIR_WITH_PROGRAM, params=params)
        row = result.unique().first()  # unique(): the managers are joined in
        if row is None:
            raise not_found()
        pair, program = row
    if not access.sees(principal, pair, program):
        raise not_found()
    return SeenPair(pair, program)


async def audit_read(
    session: AsyncSession, principal: Principal, pair: Pair, subject_type: str = "pair"
) -> None:
    """A manager or administrator reading a pair's mentoring leaves a trace."""
    await audit.record_read_of_others(
        session, principal, subject_type, pair.id, access.owners(pair)
    )


async def read_pair(session: AsyncSession, principal: Principal, pair_id: uuid.UUID) -> Pair:
    seen = await load_pair(session, principal, pair_id)
    await audit_read(session, principal, seen.pair)
    return seen.pair


def _filtered(principal: Principal, filters: PairFilter) -> SelectOfScalar[Pair]:
    statement = repository.visible_to(principal)
    if filters.program_id is not None:
        statement = statement.where(Pair.program_id == filters.program_id)
    if filters.status is not None:
        statement = statement.where(Pair.status == filters.status.value)
    if filters.health is not None:
        statement = statement.where(Pair.health == filters.health.value)
    if filters.employee_id is not None:
        statement = statement.where(
            (col(Pair.mentor_employee_id) == filters.employee_id)
            | (col(Pair.mentee_employee_id) == filters.employee_id)
        )
    return statement


async def list_pairs(
    session: AsyncSession,
    principal: Principal,
    filters: PairFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Pair]:
    """The pairs the caller may see: their own, those of programs they run, or all (admins)."""
    return await pagination.paginate(
        session, _filtered(principal, filters), keys=[Pair.id], limit=limit, cursor=cursor
    )


async def list_program_pairs(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    filters: PairFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Pair]:
    program = await programs.get_program(session, principal, program_id)
    scoped = PairFilter(**(filters.model_dump() | {"program_id": program.id}))
    return await list_pairs(session, principal, scoped, limit=limit, cursor=cursor)


async def _participant(
    session: AsyncSession, program: Program, participant_id: uuid.UUID, field: str
) -> Participant:
    participant = (
        await session.exec(
            select(Participant).where(
                Participant.id == participant_id,
                Participant.organization_id == program.organization_id,
                Participant.program_id == program.id,
            )
        )
    ).first()
    if participant is None:
        raise Invalid(
            "No such participant in this program.",
            errors=[field_error(field, "not a participant of this program", "not_found")],
        )
    if participant.status != ParticipantStatus.APPROVED:
        raise Conflict("Only approved participants can be paired.", code="participant_not_approved")
    return participant


async def create_pair(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, data: PairCreate
) -> Pair:
    """A manager pairs a mentor and a mentee of the program by hand."""
    program = await programs.program_for_change(session, principal, program_id)
    if data.status not in (PairStatus.PROPOSED, PairStatus.ACTIVE):
        raise Invalid(
            "A new pair is proposed or active.",
            errors=[field_error("status", "must be proposed or active", "invalid_status")],
        )
    mentor = await _participant(
        session, program, data.mentor_participant_id, "mentor_participant_id"
    )
    mentee = await _participant(
        session, program, data.mentee_participant_id, "mentee_participant_id"
    )
    # The door scores and explains it like a proposal of a matching run; hard exclusions
    # answer 409.
    pair = await open_pair(
        session, program, mentor, mentee, origin=PairOrigin.MANUAL, status=data.status
    )
    await record_event(
        session,
        organization_id=pair.organization_id,
        type="pair.created",
        subject_type="pair",
        subject_id=pair.id,
        data=to_read(pair),
        actor=principal,
    )
    return pair


def _check_move(principal: Principal, seen: SeenPair, data: PairTransition) -> None:
    pair = seen.pair
    current = PairStatus(pair.status)
    allowed = ALLOWED[current]
    if data.to not in allowed:
        raise Conflict(
            f"A pair cannot move from {current.value} to {data.to.value}.",
            code="invalid_transition",
            allowed_transitions=sorted(s.value for s in allowed),
        )
    if (
        not program_access.manages(principal, seen.program)
        and pair.status == PairStatus.PROPOSED
        and data.to == PairStatus.ACTIVE
    ):
        raise Forbidden(
            "A proposed pair is activated by the program's managers.",
            code="not_program_manager",
        )
    if data.to == PairStatus.ENDED_EARLY and data.reason is None:
        raise Invalid(
            "Say why the pair ends early.",
            errors=[field_error("reason", "required to end early", "required")],
        )
    if data.to != PairStatus.ENDED_EARLY and data.reason is not None:
        raise Invalid(
            "A reason is given only when a pair ends early.",
            errors=[field_error("reason", "only for ended_early", "not_allowed")],
        )


async def transition_pair(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    data: PairTransition,
    expected_version: int | None,
) -> Pair:
    seen = await load_pair(session, principal, pair_id, lock=True)
    pair = seen.pair
    if not program_access.manages(principal, seen.program):
        # Seeing the pair (a `read` key) is not being in it.
        access.require_side(principal, pair, "change their pair's status")
    if expected_version is not None:
        check_version(pair.version, expected_version, "pair")
    _check_move(principal, seen, data)
    return await _move(session, principal, pair, data)


async def _move(
    session: AsyncSession, principal: Principal | None, pair: Pair, data: PairTransition
) -> Pair:
    before = PairStatus(pair.status)
    pair.updated_at = utcnow()
    if data.to in OPEN_STATUSES:
        pair.status = data.to
        if data.to == PairStatus.ACTIVE and pair.started_on is None:
            pair.started_on = utcnow().date()
        await flush_versioned(session, "pair")
    else:
        pair.health = None
        await close_pair(session, pair, data.to, data.reason, data.note)
    await record_event(
        session,
        organization_id=pair.organization_id,
        type="pair.status_changed",
        subject_type="pair",
        subject_id=pair.id,
        data={"from": before.value, **to_read(pair).model_dump(mode="json")},
        actor=principal,
    )
    return pair


async def end_pairs_of_leaver(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID
) -> list[Pair]:
    """End every open pair of an employee who left the company (reason ``left_company``)."""
    rows = await session.exec(
        repository.of_organization(principal.organization_id)
        .where(
            col(Pair.status).in_([s.value for s in OPEN_STATUSES]),
            (col(Pair.mentor_employee_id) == employee_id)
            | (col(Pair.mentee_employee_id) == employee_id),
        )
        .order_by(col(Pair.id))
        .with_for_update()
    )
    ended = []
    for pair in rows.all():
        move = PairTransition(to=PairStatus.ENDED_EARLY, reason=EndReason.LEFT_COMPANY)
        ended.append(await _move(session, principal, pair, move))
    return ended


async def end_as_mismatch(session: AsyncSession, pair: Pair) -> Pair:
    """End a pair as not a fit without naming who said so: no actor, no note in the event.

    The door records the two people as not to be paired again and gives the seats back.
    """
    move = PairTransition(to=PairStatus.ENDED_EARLY, reason=EndReason.MISMATCH)
    return await _move(session, None, pair, move)


async def act_on_inactive_pairs(
    session: AsyncSession, organization_id: uuid.UUID, pair_ids: list[uuid.UUID], *, end: bool
) -> list[Pair]:
    """Pause (or end early, reason ``inactive``) pairs of one organisation that the program's
    engagement rules found inactive; a pair no longer active is left alone."""
    if not pair_ids:
        return []
    principal = Principal.for_integration(organization_id, "engagement")
    rows = await session.exec(
        repository.of_organization(organization_id)
        .where(
            col(Pair.id).in_(pair_ids),
            Pair.status == PairStatus.ACTIVE,
        )
        .order_by(col(Pair.id))
        .with_for_update()
    )
    move = (
        PairTransition(to=PairStatus.ENDED_EARLY, reason=EndReason.INACTIVE)
        if end
        else PairTransition(to=PairStatus.PAUSED)
    )
    return [await _move(session, principal, pair, move) for pair in rows.all()]
