"""Enrolling a cohort and pairing it the way a manager would: a matching run, accepted.

Juniors enrol as mentors with the digital topics they can teach and the craft they want
to learn; seniors enrol as mentees the other way round. The run's proposals are accepted;
anyone the run left out is paired by hand with a free mentor when the rules allow it.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, select

from app.demo.context import Demo, enrol, profile
from app.demo.directory import Person
from app.demo.stories import PairStory, Plan
from app.demo.topics import CRAFT, CRAFTS, DIGITAL, TOPICS
from app.domain.errors import Conflict
from app.domain.matching import job, review, runs
from app.domain.matching.run_models import MatchingRun, MatchingRunCreate, ProposalSelection
from app.domain.pairs import service as pairs
from app.domain.pairs.models import Pair
from app.domain.pairs.schemas import PairCreate
from app.domain.participants.models import Participant, ParticipantRole
from app.domain.programs.models import Program


@dataclass
class Cohort:
    mentors: dict[str, tuple[Person, Participant]]  # by employee id (str)
    mentees: dict[str, tuple[Person, Participant]]


def topics_to_teach(rng: random.Random, favoured: list[str], count: int) -> dict[str, int]:
    """Digital topics a junior can teach, leaning on the program's objectives."""
    pool = [t.tag for t in DIGITAL]
    chosen = rng.sample([t for t in favoured if t in TOPICS], k=min(2, len(favoured)))
    while len(chosen) < count:
        tag = rng.choice(pool)
        if tag not in chosen:
            chosen.append(tag)
    return {tag: rng.randint(3, 5) for tag in chosen}


def topics_to_learn(rng: random.Random, favoured: list[str], count: int) -> dict[str, int]:
    return {tag: rng.randint(3, 5) for tag in topics_to_teach(rng, favoured, count)}


def crafts(rng: random.Random, count: int) -> dict[str, int]:
    return {c.tag: rng.randint(3, 5) for c in rng.sample(CRAFT, k=count)}


async def enrol_cohort(
    demo: Demo,
    program: Program,
    manager: Person,
    mentors: list[Person],
    mentees: list[Person],
    favoured: list[str],
    rng: random.Random,
) -> Cohort:
    cohort = Cohort({}, {})
    for person in mentors:
        form = profile(
            person,
            ParticipantRole.MENTOR,
            rng,
            teaches=topics_to_teach(rng, favoured, 4),
            learns=crafts(rng, 2),
        )
        participant = await enrol(demo, program, manager, person, form)
        cohort.mentors[str(person.employee.id)] = (person, participant)
    for person in mentees:
        form = profile(
            person,
            ParticipantRole.MENTEE,
            rng,
            teaches=crafts(rng, 2),
            learns=topics_to_learn(rng, favoured, 3),
        )
        participant = await enrol(demo, program, manager, person, form)
        cohort.mentees[str(person.employee.id)] = (person, participant)
    return cohort


async def match(demo: Demo, program: Program, manager: Person) -> MatchingRun:
    """Run the matching for real and accept every proposal."""
    acting = manager.principal()
    run = await runs.create_run(demo.session, acting, program.id, MatchingRunCreate())
    await job.run_in_transaction(demo.session, run)
    await review.accept_proposals(demo.session, acting, program.id, run.id, ProposalSelection())
    return run


async def pair_by_hand(
    demo: Demo,
    program: Program,
    manager: Person,
    cohort: Cohort,
    late: Cohort,
) -> None:
    """People who enrolled after the run, paired by the manager by hand.

    A pair made by hand is scored and explained like a proposal, and refused (409) when a
    hard rule excludes it; the manager then tries the next mentor.
    """
    cohort.mentors.update(late.mentors)
    cohort.mentees.update(late.mentees)
    free = dict(late.mentors)
    for _person, mentee in late.mentees.values():
        for key, (_mentor_person, mentor) in list(free.items()):
            try:
                await pairs.create_pair(
                    demo.session,
                    manager.principal(),
                    program.id,
                    PairCreate(mentor_participant_id=mentor.id, mentee_participant_id=mentee.id),
                )
            except Conflict:
                continue  # an excluded pair (the same reporting line, say)
            del free[key]
            break


async def pair_stories(
    demo: Demo,
    program: Program,
    cohort: Cohort,
    plans: Callable[[int], list[Plan]],
    started_days_ago: int,
    rng: random.Random,
) -> list[PairStory]:
    """The program's pairs, each with the plan its story follows and what they talk about.

    ``plans(n)`` gives the plans of ``n`` pairs: however many the matching formed.
    """
    rows = await demo.session.exec(
        select(Pair).where(Pair.program_id == program.id).order_by(col(Pair.id))
    )
    found = sorted(rows.all(), key=lambda p: cohort.mentees[str(p.mentee_employee_id)][0].name)
    told = []
    for pair, plan in zip(found, plans(len(found)), strict=True):
        mentor, mentor_form = cohort.mentors[str(pair.mentor_employee_id)]
        mentee, mentee_form = cohort.mentees[str(pair.mentee_employee_id)]
        wanted = sorted(mentee_form.learns, key=lambda t: -mentee_form.learns[t])
        shared = [t for t in wanted if t in mentor_form.teaches] or list(mentor_form.teaches)
        extra = [t for t in mentor_form.teaches if t not in shared]
        given = [c for c in mentee_form.teaches if c in mentor_form.learns]
        given += [c for c in mentee_form.teaches if c not in given]
        told.append(
            PairStory(
                pair=pair,
                mentor=mentor,
                mentee=mentee,
                plan=plan,
                topics=[TOPICS[t] for t in shared + extra[:1]],
                crafts=[CRAFTS[c] for c in given if c in CRAFTS],
                started_days_ago=started_days_ago - rng.randint(0, 6),
                cadence=rng.choice([14, 14, 14, 14, 21, 7])
                if plan not in (Plan.COMPLETED,)
                else 21,
            )
        )
    return told
