"""What the pilot achieved: self-assessments at three waves, measured indicators, and the
directory's departures and promotions that its retention is compared against.

All through the services; only the moments are set back to when they happened.
"""

import random
import uuid
from datetime import datetime, timedelta

from sqlmodel import col, select, update

from app.demo.clock import backdate
from app.demo.context import Demo
from app.demo.directory import Person
from app.demo.stories import PairStory
from app.domain.employees import service as employees
from app.domain.employees.models import EmployeeMove, EmployeeUpdate
from app.domain.impact import assessments, indicators
from app.domain.impact.models import (
    AnswerPart,
    AnswersWrite,
    AssessmentAnswer,
    AssessmentItemCreate,
    BindingWrite,
    Computation,
    MeasurementCreate,
    Side,
    Wave,
)
from app.domain.pairs.models import Pair
from app.domain.participants.models import Participant
from app.domain.programs.models import Objective, Program, ProgramManager

# Statement, and how much people of that side tend to gain (mean points on 1-5).
ITEMS: dict[Side, list[tuple[str, float]]] = {
    Side.MENTEE: [
        ("I am confident using collaborative tools with my teams.", 1.3),
        ("I can tell useful generative AI from hype.", 1.1),
        ("I understand how our younger customers use social media.", 0.9),
    ],
    Side.MENTOR: [
        ("I understand how the business makes its decisions.", 1.0),
        ("I am confident speaking to executives.", 0.6),
    ],
}

# (indicator, [(days after the start, value, source)]) for the pilot's one objective;
# the third indicator is computed from the pairs' logs instead.
MEASURED: dict[int, list[tuple[int, float, str]]] = {
    0: [(240, 87.5, "End-of-program feedback")],
    1: [
        (0, 35, "Collaboration suite usage report"),
        (90, 44, "Collaboration suite usage report"),
        (180, 58, "Collaboration suite usage report"),
        (240, 66, "Collaboration suite usage report"),
    ],
    3: [
        (0, 40, "IT service desk"),
        (90, 36, "IT service desk"),
        (180, 29, "IT service desk"),
        (240, 23, "IT service desk"),
    ],
}


def _score(base: int, gain: float, rng: random.Random) -> int:
    return max(1, min(5, round(base + gain + rng.uniform(-0.9, 0.9))))


async def assess(
    demo: Demo,
    program: Program,
    manager: Person,
    told: list[PairStory],
    started_days_ago: int,
    ended_days_ago: int,
) -> None:
    """The items, and each participant's answers at the start, half-way and the end."""
    rng = demo.rng("impact:assessment")
    objective = (
        await demo.session.exec(select(Objective).where(Objective.program_id == program.id))
    ).first()
    acting = manager.principal()
    items = []
    for side, statements in ITEMS.items():
        for statement, gain in statements:
            item = await assessments.create_item(
                demo.session,
                acting,
                program.id,
                AssessmentItemCreate(
                    side=side, statement=statement, objective_id=objective.id if objective else None
                ),
            )
            items.append((item, gain))
    middle = (started_days_ago + ended_days_ago) // 2
    waves = (
        (Wave.BASELINE, 0.0, started_days_ago - 3),
        (Wave.MID, 0.55, middle),
        (Wave.END, 1.0, ended_days_ago + 4),
    )
    answered: dict[Wave, list[uuid.UUID]] = {wave: [] for wave, _share, _ago in waves}
    for story in told:
        for person, side in ((story.mentor, Side.MENTOR), (story.mentee, Side.MENTEE)):
            mine = [(item, gain) for item, gain in items if item.side == side]
            bases = {item.id: rng.randint(1, 3) for item, _gain in mine}
            for wave, share, _days_ago in waves:
                parts = [
                    AnswerPart(item_id=item.id, score=_score(bases[item.id], gain * share, rng))
                    if wave != Wave.BASELINE
                    else AnswerPart(item_id=item.id, score=bases[item.id])
                    for item, gain in mine
                ]
                saved = await assessments.answer(
                    demo.session, person.principal(), program.id, wave, AnswersWrite(answers=parts)
                )
                answered[wave] += [answer.id for answer in saved]
    # One statement per wave sets when its answers were given.
    for wave, _share, days_ago in waves:
        await demo.session.exec(
            update(AssessmentAnswer)
            .where(col(AssessmentAnswer.id).in_(answered[wave]))
            .values(answered_at=demo.clock.ago(days_ago, hour=11))
            .execution_options(synchronize_session=False)
        )


async def measure(demo: Demo, program: Program, manager: Person, started_days_ago: int) -> None:
    """The indicators' values over the pilot, and one computed from the pairs' logs."""
    objective = (
        await demo.session.exec(select(Objective).where(Objective.program_id == program.id))
    ).one()
    acting = manager.principal()
    for indicator, values in MEASURED.items():
        for after, value, source in values:
            day = demo.clock.day(-started_days_ago + after)
            measurement = await indicators.record_measurement(
                demo.session,
                acting,
                program.id,
                objective.id,
                indicator,
                MeasurementCreate(value=value, measured_on=day, source=source),
            )
            recorded = datetime.combine(day, datetime.min.time(), tzinfo=demo.clock.now.tzinfo)
            await backdate(demo.session, measurement, created_at=recorded + timedelta(days=2))
    await indicators.bind_indicator(
        demo.session,
        acting,
        program.id,
        objective.id,
        2,
        BindingWrite(computation=Computation.PAIRS_MET_CADENCE),
    )


async def _uninvolved(demo: Demo, program: Program) -> list[Person]:
    """People who take part in nothing and manage no one: their leaving changes only the
    directory."""
    session = demo.session
    busy = set((await session.exec(select(Participant.employee_id))).all())
    busy |= set((await session.exec(select(ProgramManager.employee_id))).all())
    busy |= set((await session.exec(select(Pair.mentor_employee_id))).all())
    busy |= {p.employee.manager_id for p in demo.people.people if p.employee.manager_id}
    start = program.starts_on
    return [
        p
        for p in demo.people.people
        if p.employee.id not in busy
        and p.employee.hire_date is not None
        and start is not None
        and p.employee.hire_date < start
    ]


async def _promote(demo: Demo, person: Person, days_ago: int) -> None:
    employee = person.employee
    title = employee.job_title or "Specialist"
    await employees.update_employee(
        demo.session,
        demo.admin,
        employee.id,
        EmployeeUpdate(job_title=f"Senior {title}"[:200]),
        employee.version,
    )
    moves = await demo.session.exec(
        select(EmployeeMove).where(EmployeeMove.employee_id == employee.id)
    )
    for move in moves.all():
        await backdate(demo.session, move, changed_at=demo.clock.ago(days_ago, hour=9))


async def directory_history(
    demo: Demo, program: Program, told: list[PairStory], started_days_ago: int
) -> None:
    """A few departures and promotions since the pilot started, as the HRIS reported them."""
    rng = demo.rng("impact:directory")
    strata = {(s.mentee.department, s.mentee.level) for s in told}
    strata |= {(s.mentor.department, s.mentor.level) for s in told}
    comparable = [p for p in await _uninvolved(demo, program) if (p.department, p.level) in strata]
    rng.shuffle(comparable)
    leaving = sorted(comparable[:3], key=lambda p: p.employee.id)
    for person, days_ago in zip(
        leaving, (started_days_ago - 120, started_days_ago - 250, 60), strict=False
    ):
        await employees.terminate_employee(
            demo.session, demo.admin, person.employee.id, terminated_on=demo.clock.day(-days_ago)
        )
    for person in comparable[3:5]:
        await _promote(demo, person, started_days_ago - 200)
    # Promoted pilot mentees: none who takes part in another program, whose title the
    # tour and the other programs show.
    elsewhere = set(
        (
            await demo.session.exec(
                select(Participant.employee_id).where(Participant.program_id != program.id)
            )
        ).all()
    )
    promoted = [s.mentee for s in told if s.mentee.employee.id not in elsewhere]
    for person in sorted(promoted, key=lambda p: p.employee.id)[:3]:
        await _promote(demo, person, 90)
