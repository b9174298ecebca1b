"""What every part of the demo works with, and the steps they share (through the services).

Each part draws its random choices from its own generator, seeded from ``SEED`` and its
name, so the demo comes out the same every time and one part's changes leave the others be.
"""

import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.demo.clock import Clock, backdate
from app.demo.directory import Directory, Person
from app.demo.topics import MENTEE_STATEMENTS, MENTOR_STATEMENTS
from app.domain.access.models import Organization
from app.domain.access.principal import Principal
from app.domain.matching import decisions
from app.domain.participants import enrolment
from app.domain.participants.models import MeetingFormat, Participant, ParticipantRole
from app.domain.participants.models import ParticipantStatus as Enrolment
from app.domain.participants.schemas import (
    AvailabilityWindow,
    ParticipantCreate,
    ParticipantDecision,
)
from app.domain.programs import consultation, contributions, lifecycle, objectives, stakeholders
from app.domain.programs import service as programs
from app.domain.programs.consultation_models import (
    ConsultationClose,
    ConsultationOpen,
    Contribution,
    ContributionCreate,
    ContributionResolution,
    StakeholderInvite,
    StakeholderRole,
)
from app.domain.programs.models import (
    Objective,
    ObjectiveCreate,
    Program,
    ProgramCreate,
    ProgramStatus,
)

SEED = 2026


@dataclass
class Demo:
    session: AsyncSession
    organization: Organization
    admin: Principal
    clock: Clock
    people: Directory

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{SEED}:{part}")


@dataclass
class Contributed:
    """A stakeholder's answer to a consultation, and the decision on it (None: pending)."""

    who: Person | None  # None: an outside stakeholder, recorded by the manager
    role: StakeholderRole
    answer: ContributionCreate
    decision: ContributionResolution | None = None
    outsider: StakeholderInvite | None = None


async def create_program(
    demo: Demo, manager: Person, data: ProgramCreate, goals: list[ObjectiveCreate]
) -> tuple[Program, list[Objective]]:
    """A program run by ``manager`` (and the other program managers), with its objectives."""
    program = await programs.create_program(demo.session, manager.principal(), data)
    added = [
        await objectives.create_objective(demo.session, manager.principal(), program.id, goal)
        for goal in goals
    ]
    return program, added


async def consult(
    demo: Demo,
    program: Program,
    manager: Person,
    question: str,
    answers: list[Contributed],
    *,
    deadline_days: int = 14,
) -> list[Contribution]:
    """Open the program's consultation, invite each stakeholder, record and decide answers."""
    acting = manager.principal()
    await consultation.open_consultation(
        demo.session,
        acting,
        program.id,
        ConsultationOpen(question=question, deadline=demo.clock.ahead(deadline_days, hour=17)),
    )
    invited: dict[uuid.UUID | str, uuid.UUID] = {}
    recorded = []
    for answer in answers:
        key: uuid.UUID | str
        if answer.who is not None:
            key = answer.who.employee.id
            invite = StakeholderInvite(employee_id=answer.who.employee.id, role=answer.role)
        else:
            assert answer.outsider is not None
            key = str(answer.outsider.email)
            invite = answer.outsider
        if key not in invited:
            stakeholder = await stakeholders.invite_stakeholder(
                demo.session, acting, program.id, invite
            )
            invited[key] = stakeholder.id
        if answer.who is not None:
            contribution = await contributions.submit_contribution(
                demo.session, answer.who.principal(), program.id, answer.answer
            )
        else:
            on_behalf = answer.answer.model_copy(update={"stakeholder_id": invited[key]})
            contribution = await contributions.submit_contribution(
                demo.session, acting, program.id, on_behalf
            )
        if answer.decision is not None:
            contribution = await contributions.resolve_contribution(
                demo.session, acting, program.id, contribution.id, answer.decision, None
            )
        recorded.append(contribution)
    return recorded


async def close_consultation(demo: Demo, program: Program, manager: Person, summary: str) -> None:
    await consultation.close_consultation(
        demo.session, manager.principal(), program.id, ConsultationClose(summary=summary)
    )


async def backdate_consultation(
    demo: Demo, program: Program, opened_days_ago: float, closed_days_ago: float
) -> None:
    """A consultation that ran and closed before the program went on."""
    found = await consultation.get_consultation(demo.session, demo.admin, program.id)
    await backdate(
        demo.session,
        found,
        created_at=demo.clock.ago(opened_days_ago, hour=9),
        deadline=demo.clock.ago(closed_days_ago + 1, hour=17),
        closed_at=demo.clock.ago(closed_days_ago, hour=16),
    )


async def move(demo: Demo, program: Program, manager: Person, *targets: ProgramStatus) -> None:
    for target in targets:
        locked = await programs.program_for_change(demo.session, manager.principal(), program.id)
        await lifecycle.change_status(demo.session, manager.principal(), locked, target)


def availability(person: Person, rng: random.Random) -> list[AvailabilityWindow]:
    """Two afternoons a week in Europe (mornings in Montréal), and one more slot."""
    if person.site.city == "Montréal":
        windows = [(1, "09:00", "12:00"), (3, "09:00", "12:00")]
    else:
        windows = [(1, "14:00", "17:00"), (3, "14:00", "17:00")]
    windows.append(
        rng.choice([(0, "12:00", "13:30"), (2, "08:30", "10:00"), (4, "11:00", "12:30")])
    )
    return [AvailabilityWindow(day=d, start=s, end=e) for d, s, e in windows]


def profile(
    person: Person,
    role: ParticipantRole,
    rng: random.Random,
    *,
    teaches: dict[str, int],
    learns: dict[str, int],
    **extra: Any,
) -> ParticipantCreate:
    """A complete enrolment form, written in the person's language."""
    statements = MENTOR_STATEMENTS if role == ParticipantRole.MENTOR else MENTEE_STATEMENTS
    fields: dict[str, Any] = {
        "role": role,
        "teaches": teaches,
        "learns": learns,
        "mindset": rng.choice([4, 4, 5, 5, 3]),
        "mindset_statement": rng.choice(statements).say(person.speaks_french),
        "availability": availability(person, rng),
        "languages": list(person.employee.languages),
        "format": rng.choice(
            [MeetingFormat.EITHER, MeetingFormat.EITHER, MeetingFormat.REMOTE, MeetingFormat.EITHER]
        ),
    }
    fields.update(extra)
    return ParticipantCreate.model_validate(fields)


async def enrol(
    demo: Demo,
    program: Program,
    manager: Person,
    person: Person,
    form: ParticipantCreate,
    *,
    decide: Enrolment | None = Enrolment.APPROVED,
    reason: str | None = None,
) -> Participant:
    """The person enrols themselves; a manager of the program decides."""
    participant = await enrolment.enrol(demo.session, person.principal(), program.id, form)
    if decide is not None:
        participant = await decisions.decide(
            demo.session,
            manager.principal(),
            program.id,
            participant.id,
            decide,
            ParticipantDecision(reason=reason),
        )
    return participant
