"""The door's seats: the database refuses a second open pair per mentee and pairs beyond a
mentor's capacity, even when requests race; ending a pair gives its seats back."""

import asyncio
import uuid

from sqlmodel import select

from app.db.engine import unit_of_work
from app.domain.errors import Conflict
from app.domain.pairs.door import close_pair, open_pair
from app.domain.pairs.models import EndReason, Pair, PairOrigin, PairSeat, PairStatus
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.programs.models import Program
from tests.conftest import Tenant


async def _setup(
    tenant: Tenant, mentors: int, mentees: int, capacity: int
) -> tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]]:
    response = await tenant.client.post(
        "/api/v1/programs",
        json={
            "name": "Seats",
            "default_mentor_capacity": capacity,
            # Peers of the same age and level: the reverse rule would exclude every pair.
            "matching_settings": {"reverse": {"hard": False}},
        },
        headers=tenant.admin,
    )
    assert response.status_code == 201, response.text
    program_id = uuid.UUID(response.json()["id"])
    people = [await tenant.employee() for _ in range(mentors + mentees)]
    async with unit_of_work(tenant.app.state.session_factory) as session:
        rows = [
            Participant(
                organization_id=tenant.organization_id,
                program_id=program_id,
                employee_id=uuid.UUID(p["id"]),
                role=ParticipantRole.MENTOR if i < mentors else ParticipantRole.MENTEE,
                status=ParticipantStatus.APPROVED,
            )
            for i, p in enumerate(people)
        ]
        session.add_all(rows)
    return program_id, [r.id for r in rows[:mentors]], [r.id for r in rows[mentors:]]


async def _try_pair(
    tenant: Tenant, program_id: uuid.UUID, mentor_id: uuid.UUID, mentee_id: uuid.UUID
) -> str:
    try:
        async with unit_of_work(tenant.app.state.session_factory) as session:
            program = await session.get(Program, program_id)
            mentor = await session.get(Participant, mentor_id)
            mentee = await session.get(Participant, mentee_id)
            assert program
            assert mentor
            assert mentee
            await open_pair(session, program, mentor, mentee, origin=PairOrigin.MANUAL)
    except Conflict as exc:
        return exc.code
    return "created"


async def test_a_mentee_gets_one_open_pair_even_under_races(tenant: Tenant) -> None:
    program_id, mentors, mentees = await _setup(tenant, mentors=6, mentees=1, capacity=1)
    results = await asyncio.gather(*(_try_pair(tenant, program_id, m, mentees[0]) for m in mentors))
    assert results.count("created") == 1, results
    assert set(results) - {"created"} <= {"mentee_paired", "seat_taken"}


async def test_a_mentor_never_exceeds_capacity_even_under_races(tenant: Tenant) -> None:
    program_id, mentors, mentees = await _setup(tenant, mentors=1, mentees=8, capacity=3)
    results = await asyncio.gather(*(_try_pair(tenant, program_id, mentors[0], m) for m in mentees))
    async with unit_of_work(tenant.app.state.session_factory) as session:
        seats = (
            await session.exec(select(PairSeat).where(PairSeat.participant_id == mentors[0]))
        ).all()
    assert 1 <= results.count("created") <= 3, results
    assert len(seats) == results.count("created")
    # Sequentially, the remaining capacity fills exactly.
    for mentee in mentees:
        await _try_pair(tenant, program_id, mentors[0], mentee)
    async with unit_of_work(tenant.app.state.session_factory) as session:
        seats = (
            await session.exec(select(PairSeat).where(PairSeat.participant_id == mentors[0]))
        ).all()
    assert sorted(s.seat for s in seats) == [0, 1, 2]


async def test_ending_a_pair_gives_the_seats_back(tenant: Tenant) -> None:
    program_id, mentors, mentees = await _setup(tenant, mentors=1, mentees=2, capacity=1)
    assert await _try_pair(tenant, program_id, mentors[0], mentees[0]) == "created"
    assert await _try_pair(tenant, program_id, mentors[0], mentees[1]) == "mentor_full"
    async with unit_of_work(tenant.app.state.session_factory) as session:
        pair = (await session.exec(select(Pair).where(Pair.program_id == program_id))).one()
        await close_pair(session, pair, PairStatus.ENDED_EARLY, EndReason.SCHEDULE)
    assert await _try_pair(tenant, program_id, mentors[0], mentees[1]) == "created"
