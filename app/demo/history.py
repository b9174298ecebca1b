"""The pilot that came before: eight pairs over eight months, completed five months ago.

It gives the dashboards a history (sessions per month, end-of-program feedback) and the
matching a memory: people paired in the pilot are not proposed to each other again.
"""

from datetime import timedelta

from app.demo import impact
from app.demo.clock import backdate
from app.demo.context import (
    Contributed,
    Demo,
    backdate_consultation,
    close_consultation,
    consult,
    create_program,
    move,
)
from app.demo.directory import Level
from app.demo.pairing import enrol_cohort, match, pair_stories
from app.demo.stories import (
    PairStory,
    Plan,
    activate,
    end,
    give_feedback,
    log_sessions,
    set_goals,
    write_agreement,
)
from app.domain.programs.consultation_models import (
    ContributionCreate,
    ContributionDecision,
    ContributionKind,
    ContributionResolution,
    StakeholderRole,
)
from app.domain.programs.models import (
    ObjectiveCategory,
    ObjectiveCreate,
    Program,
    ProgramCreate,
    ProgramStatus,
    SuccessIndicator,
)
from app.domain.progress.models import FeedbackStage

STARTED_DAYS_AGO = 400
ENDED_DAYS_AGO = 160


async def build(demo: Demo) -> tuple[Program, list[PairStory]]:
    rng = demo.rng("pilot")
    clock, people = demo.clock, demo.people
    manager = people.titled("Director of Learning & Development")
    program, objectives = await create_program(
        demo,
        manager,
        ProgramCreate(
            name="Reverse Mentoring Pilot 2025",
            description="Eight pairs, eight months: the pilot that convinced the executive team.",
            starts_on=clock.day(-STARTED_DAYS_AGO),
            ends_on=clock.day(-ENDED_DAYS_AGO),
            cadence_days=28,
            meeting_minutes=60,
        ),
        [
            ObjectiveCreate(
                title="Find out whether reverse mentoring works here",
                category=ObjectiveCategory.CULTURE,
                topic_tags=["generative-ai", "social-media", "collaboration-tools"],
                success_indicators=[
                    SuccessIndicator(
                        name="Participants who would recommend it", target_value=80, unit="%"
                    ),
                    SuccessIndicator(
                        name="Senior leaders using the collaboration suite weekly",
                        target_value=70,
                        unit="%",
                        baseline=35,
                    ),
                    SuccessIndicator(
                        name="Pairs meeting their monthly cadence", target_value=75, unit="%"
                    ),
                    SuccessIndicator(
                        name="Executives' IT support tickets per month",
                        target_value=25,
                        unit="tickets",
                        baseline=40,
                    ),
                ],
            )
        ],
    )
    sponsor = people.at(Level.CEO)[0]
    await consult(
        demo,
        program,
        manager,
        "Should we try reverse mentoring with a small group first?",
        [
            Contributed(
                sponsor,
                StakeholderRole.EXECUTIVE_SPONSOR,
                ContributionCreate(
                    kind=ContributionKind.COMMENT,
                    body="Yes, and I want to hear what the juniors think of us, unfiltered.",
                ),
                ContributionResolution(decision=ContributionDecision.ACCEPTED),
            )
        ],
    )
    await close_consultation(demo, program, manager, "Eight pairs, one session a month.")
    await move(demo, program, manager, ProgramStatus.ENROLLING)
    hired_before = clock.day(-STARTED_DAYS_AGO - 30)
    veterans = [
        p
        for p in people.at(Level.JUNIOR)
        if p.employee.hire_date is not None and p.employee.hire_date < hired_before
    ]
    mentors = rng.sample(veterans, k=8)
    mentees = rng.sample(people.at(Level.EXPERIENCED), k=8)
    favoured = [tag for o in objectives for tag in o.topic_tags]
    cohort = await enrol_cohort(demo, program, manager, mentors, mentees, favoured, rng)
    run = await match(demo, program, manager)
    await move(demo, program, manager, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
    told = await pair_stories(
        demo, program, cohort, lambda count: [Plan.COMPLETED] * count, STARTED_DAYS_AGO, rng
    )
    await impact.assess(demo, program, manager, told, STARTED_DAYS_AGO, ENDED_DAYS_AGO)
    for story in told:
        story.cadence = 28
        await activate(demo, story, manager)
        await write_agreement(demo, story, rng)
        await set_goals(demo, story, objectives, rng)
        await log_sessions(demo, story, rng, ended_days_ago=ENDED_DAYS_AGO)
        await give_feedback(demo, story, FeedbackStage.MID, 280, rng)
        await give_feedback(demo, story, FeedbackStage.END, ENDED_DAYS_AGO - 2, rng)
        await end(demo, story, manager, ENDED_DAYS_AGO)
    await move(demo, program, manager, ProgramStatus.COMPLETED)
    await impact.measure(demo, program, manager, STARTED_DAYS_AGO)
    await backdate_consultation(demo, program, STARTED_DAYS_AGO + 35, STARTED_DAYS_AGO + 20)
    ran = clock.ago(STARTED_DAYS_AGO + 8, hour=10)
    await backdate(demo.session, run, created_at=ran, finished_at=ran)
    await backdate(
        demo.session,
        program,
        created_at=clock.ago(STARTED_DAYS_AGO + 45, hour=9),
        status_changed_at=clock.ago(ENDED_DAYS_AGO - 5, hour=9) + timedelta(hours=1),
    )
    return program, told
