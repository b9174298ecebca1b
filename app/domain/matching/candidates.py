"""A program's pool for a matching run or a mentee's browsing: every approved participant,
with the seats they hold and the pairs they had.

Candidates are built and scored by app/domain/participants/fit.py, the code the door that
opens a pair uses too, so a run, a suggestion and a pair all judge a pair the same way.
"""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.pairs import repository as pair_statements
from app.domain.pairs.door import avoided_pairs, mentor_capacity
from app.domain.pairs.models import Pair, PairSeat
from app.domain.participants import fit
from app.domain.participants.explanations import Explanation, explain
from app.domain.participants.models import Participant, ParticipantRole, ParticipantStatus
from app.domain.participants.scoring import Candidate, Population, ScoreMatrix, ScoringConfig
from app.domain.programs.matching_settings import MatchingSettings
from app.domain.programs.models import Program

explanation_document = fit.explanation_document


@dataclass
class Pool:
    """A program's participants as the scorer sees them, with what limits their pairing."""

    program: Program
    rules: fit.FitRules
    participants: dict[uuid.UUID, Participant]
    candidates: dict[uuid.UUID, Candidate]  # by participant id, approved and active only
    inactive: list[Participant]  # approved, but their employee is no longer active
    seats_taken: dict[uuid.UUID, int]  # participant id -> open pairs held
    previous_pairs: fit.PairHistory
    objective_tags: list[str] = field(default_factory=list)
    # Two employee ids whose pair ended as not a fit: a hard exclusion in either role.
    not_a_fit: fit.PairHistory = frozenset()

    @property
    def config(self) -> ScoringConfig:
        return self.rules.config

    @property
    def settings(self) -> MatchingSettings:
        return self.rules.settings

    def free_seats(self, participant: Participant) -> int:
        if participant.role == ParticipantRole.MENTEE:
            return 0 if self.seats_taken.get(participant.id) else 1
        return max(
            0, mentor_capacity(participant, self.program) - self.seats_taken.get(participant.id, 0)
        )

    def score(self, mentees: list[Candidate], mentors: list[Candidate]) -> ScoreMatrix:
        return fit.score(self.rules, mentees, mentors, self.previous_pairs, self.not_a_fit)

    def population(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        forbidden: Iterable[tuple[int, int]] = (),
    ) -> Population:
        """Mentees x mentors encoded for scoring by blocks; ``forbidden`` holds (mentee
        index, mentor index) pairs a manager excluded."""
        return Population(
            mentees,
            mentors,
            self.config,
            self.previous_pairs,
            forbidden,
            not_a_fit=self.not_a_fit,
        )


@dataclass
class PoolRows:
    """What a pool is built from, as read from the database."""

    program: Program
    rules: fit.FitRules
    participants: dict[uuid.UUID, Participant]
    employees: dict[uuid.UUID, Employee]
    chains: dict[uuid.UUID, frozenset[uuid.UUID]]
    seats: dict[uuid.UUID, int]
    history: list[tuple[uuid.UUID, uuid.UUID]]
    not_a_fit: fit.PairHistory = frozenset()


async def pool_rows(
    session: AsyncSession, program: Program, only: Collection[uuid.UUID] | None = None
) -> PoolRows:
    """The approved participants of ``program`` (or those of ``only``) with their
    employees, reporting chains, seats and past pairs."""
    rules = await fit.fit_rules(session, program)
    statement = select(Participant).where(
        Participant.program_id == program.id,
        Participant.status == ParticipantStatus.APPROVED.value,
    )
    if only is not None:
        statement = statement.where(col(Participant.id).in_(list(only)))
    participants = {
        p.id: p for p in (await session.exec(statement.order_by(col(Participant.id)))).all()
    }
    employee_ids = [p.employee_id for p in participants.values()]
    employees = {
        e.id: e
        for e in (
            await session.exec(select(Employee).where(col(Employee.id).in_(employee_ids)))
        ).all()
    }
    chains = await fit.reporting_chains(session, program.organization_id, employee_ids)
    seats = dict(
        (
            await session.exec(
                select(PairSeat.participant_id, func.count())
                .where(col(PairSeat.participant_id).in_(list(participants)))
                .group_by(col(PairSeat.participant_id))
            )
        ).all()
    )
    history = (
        await session.exec(
            pair_statements.in_organization(
                select(Pair.mentee_employee_id, Pair.mentor_employee_id), program.organization_id
            ).where(col(Pair.mentee_employee_id).in_(employee_ids))
        )
    ).all()
    not_a_fit = await avoided_pairs(session, program.organization_id)
    return PoolRows(
        program, rules, participants, employees, chains, seats, list(history), not_a_fit
    )


def build_pool(rows: PoolRows) -> Pool:
    """The scorer's view of the rows (CPU work: a matching run does it off the event loop)."""
    program = rows.program
    pool = Pool(
        program=program,
        rules=rows.rules,
        participants=rows.participants,
        candidates={},
        inactive=[],
        seats_taken=rows.seats,
        previous_pairs=frozenset((a, b) for a, b in rows.history),
        objective_tags=rows.rules.objective_tags,
        not_a_fit=rows.not_a_fit,
    )
    for participant in rows.participants.values():
        employee = rows.employees[participant.employee_id]
        if employee.status != EmployeeStatus.ACTIVE:
            pool.inactive.append(participant)
            continue
        capacity = (
            mentor_capacity(participant, program)
            if participant.role == ParticipantRole.MENTOR
            else 1
        )
        pool.candidates[participant.id] = fit.candidate(
            participant, employee, rows.chains, capacity
        )
    return pool


async def load_pool(
    session: AsyncSession, program: Program, only: Collection[uuid.UUID] | None = None
) -> Pool:
    """The approved participants of ``program`` (or of ``only``) as the scorer sees them."""
    return build_pool(await pool_rows(session, program, only))


def explain_pair(pool: Pool, mentee: Participant, mentor: Participant) -> Explanation:
    """Score and explain one pair of the pool, with the same code a matching run uses."""
    candidates = [pool.candidates.get(mentee.id), pool.candidates.get(mentor.id)]
    if candidates[0] is None or candidates[1] is None:
        raise LookupError("both participants must be approved and active")
    matrix = pool.score([candidates[0]], [candidates[1]])
    return explain(matrix, 0, 0, pool.config)
