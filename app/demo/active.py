"""The program in full swing: three months in, 25 pairs, each in the state its story left it.

Leaders (the CEO, the chiefs, the directors and a few experienced managers) are mentored by
juniors. Most pairs are on track; some need attention (quiet for a while, an action item
overdue, low ratings); three are at risk; one ended early. After their first session people
answered the fit check (one mentor has not yet); halfway through, the mid-program feedback
form.
"""

import random
from dataclasses import dataclass

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
from app.demo.directory import Level, Person
from app.demo.pairing import Cohort, enrol_cohort, match, pair_by_hand, pair_stories
from app.demo.stories import (
    PairStory,
    Plan,
    activate,
    answer_fit_checks,
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
    Objective,
    ObjectiveCategory,
    ObjectiveCreate,
    Program,
    ProgramCreate,
    ProgramStatus,
    SuccessIndicator,
)
from app.domain.progress.models import FeedbackStage

STARTED_DAYS_AGO = 92
ENDED_EARLY_DAYS_AGO = 38

OBJECTIVES = [
    ObjectiveCreate(
        title="Adopter l'IA générative au comité de direction",
        category=ObjectiveCategory.DIGITAL_TRANSFORMATION,
        description=(
            "Chaque dirigeant sait utiliser un outil d'IA générative pour préparer, résumer et "
            "vérifier, dans le cadre de la charte informatique."
        ),
        topic_tags=["generative-ai", "prompt-writing", "no-code", "data-visualisation"],
        priority=1,
        success_indicators=[
            SuccessIndicator(
                name="Dirigeants utilisant un outil d'IA générative chaque semaine",
                target_value=80,
                unit="%",
                baseline=20,
            ),
            SuccessIndicator(
                name="Tâches automatisées par les équipes des dirigeants",
                target_value=12,
                unit="tâches",
                baseline=0,
            ),
        ],
    ),
    ObjectiveCreate(
        title="Understand how younger colleagues work and communicate",
        category=ObjectiveCategory.CULTURE,
        description="Social media, hybrid work and feedback habits, seen from the inside.",
        topic_tags=[
            "gen-z-culture",
            "social-media",
            "linkedin",
            "collaboration-tools",
            "remote-work",
            "video-content",
        ],
        priority=2,
        success_indicators=[
            SuccessIndicator(
                name="Young hires still with us after 18 months",
                target_value=85,
                unit="%",
                baseline=72,
            )
        ],
    ),
    ObjectiveCreate(
        title="Un environnement de travail plus inclusif",
        category=ObjectiveCategory.DIVERSITY_INCLUSION,
        topic_tags=["inclusive-language", "accessibility", "cybersecurity", "digital-sobriety"],
        priority=3,
        success_indicators=[
            SuccessIndicator(
                name="Offres d'emploi relues pour un langage inclusif",
                target_value=100,
                unit="%",
                baseline=10,
            )
        ],
    ),
]


@dataclass
class ActiveProgram:
    program: Program
    objectives: list[Objective]
    manager: Person
    cohort: Cohort
    stories: list[PairStory]


def _plans(count: int, rng: random.Random) -> list[Plan]:
    troubled = [Plan.QUIET, Plan.QUIET, Plan.OVERDUE, Plan.OVERDUE, Plan.LOW_RATINGS]
    troubled += [Plan.AT_RISK] * 3 + [Plan.ENDED]
    plans = [Plan.ON_TRACK] * max(0, count - len(troubled)) + troubled
    rng.shuffle(plans)
    return plans


def _cohort_people(
    demo: Demo, rng: random.Random
) -> tuple[list[Person], list[Person], list[Person], list[Person]]:
    """(mentors, mentees) matched by the run, then (mentors, mentees) who enrolled late."""
    people = demo.people
    runners = {"HR Director", "Director of Learning & Development"}
    # Not the CEO: everyone reports to her, so the same-reporting-line rule excludes every
    # mentor (she tries her luck in the enrolling program, and the dry run says why).
    mentees = people.at(Level.CHIEF)
    mentees += [p for p in people.at(Level.DIRECTOR) if p.employee.job_title not in runners]
    mentees += [p for p in people.at(Level.OFFICE) if p.employee.seniority_level >= 10]
    experienced = rng.sample(people.at(Level.EXPERIENCED), k=25 - len(mentees))
    juniors = rng.sample(people.at(Level.JUNIOR), k=26)
    return juniors[:24], mentees + experienced[:-1], juniors[24:], experienced[-1:]


async def _program(demo: Demo, manager: Person) -> tuple[Program, list[Objective]]:
    """The program, its objectives, and the consultation it went through."""
    clock, people = demo.clock, demo.people
    program, objectives = await create_program(
        demo,
        manager,
        ProgramCreate(
            name="Mentorat inversé — Leaders & numérique",
            description=(
                "Les membres du comité de direction et les directeurs apprennent les outils "
                "et les usages numériques auprès de jeunes collaborateurs, qui découvrent en "
                "retour comment l'entreprise se pilote. / Leaders learn digital tools and "
                "habits from junior colleagues, who learn in return how the company is run."
            ),
            starts_on=clock.day(-STARTED_DAYS_AGO),
            ends_on=clock.day(90),
            cadence_days=14,
            meeting_minutes=60,
            manager_ids=[manager.employee.id, people.titled("HR Director").employee.id],
        ),
        OBJECTIVES,
    )
    await consult(
        demo,
        program,
        manager,
        "Qu'attendez-vous d'un programme de mentorat inversé pour l'équipe de direction ?",
        [
            Contributed(
                people.at(Level.CEO)[0],
                StakeholderRole.EXECUTIVE_SPONSOR,
                ContributionCreate(
                    kind=ContributionKind.ENDORSEMENT, objective_id=objectives[0].id
                ),
                ContributionResolution(decision=ContributionDecision.ACCEPTED),
            ),
            Contributed(
                people.titled("Chief Technology Officer"),
                StakeholderRole.IT,
                ContributionCreate(
                    kind=ContributionKind.CONCERN,
                    body=(
                        "Les outils d'IA générative doivent rester dans le cadre de la charte "
                        "informatique : pas de données clients dans des outils publics."
                    ),
                ),
                ContributionResolution(
                    decision=ContributionDecision.ACCEPTED,
                    objective_id=objectives[0].id,
                    reason="Ajouté à la description de l'objectif.",
                ),
            ),
        ],
    )
    await close_consultation(
        demo,
        program,
        manager,
        "Priorité à l'IA générative et aux usages des jeunes générations ; une heure toutes "
        "les deux semaines, sur le temps de travail, dans le respect de la charte informatique.",
    )
    return program, objectives


async def _tell(
    demo: Demo, told: list[PairStory], objectives: list[Objective], manager: Person
) -> None:
    """Three months of each pair, the way its plan goes."""
    rng = demo.rng("active-stories")
    disputed = False
    waiting = False
    for story in told:
        await activate(demo, story, manager)
        await write_agreement(demo, story, rng)
        await set_goals(demo, story, objectives, rng)
        dispute = not disputed and story.plan == Plan.ON_TRACK
        disputed |= dispute
        await log_sessions(
            demo, story, rng, ended_days_ago=ENDED_EARLY_DAYS_AGO, dispute_one=dispute
        )
        # One quiet pair's mentor has not answered the fit check yet.
        await answer_fit_checks(demo, story, waiting=not waiting and story.plan == Plan.QUIET)
        waiting |= story.plan == Plan.QUIET
        if story.plan != Plan.ENDED and rng.random() < 0.7:
            await give_feedback(demo, story, FeedbackStage.MID, 46, rng)
        if story.plan == Plan.ENDED:
            await end(demo, story, manager, ENDED_EARLY_DAYS_AGO)


async def build(demo: Demo) -> ActiveProgram:
    rng = demo.rng("active")
    clock = demo.clock
    manager = demo.people.titled("Director of Learning & Development")
    program, objectives = await _program(demo, manager)
    await move(demo, program, manager, ProgramStatus.ENROLLING)
    mentors, mentees, late_mentors, late_mentees = _cohort_people(demo, rng)
    favoured = [tag for o in objectives for tag in o.topic_tags]
    cohort = await enrol_cohort(demo, program, manager, mentors, mentees, favoured, rng)
    run = await match(demo, program, manager)
    late = await enrol_cohort(demo, program, manager, late_mentors, late_mentees, favoured, rng)
    await pair_by_hand(demo, program, manager, cohort, late)
    await move(demo, program, manager, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
    told = await pair_stories(
        demo, program, cohort, lambda count: _plans(count, rng), STARTED_DAYS_AGO, rng
    )
    await _tell(demo, told, objectives, manager)
    await backdate_consultation(demo, program, 150, 128)
    ran = clock.ago(100, hour=10)
    await backdate(demo.session, run, created_at=ran, finished_at=ran)
    await backdate(
        demo.session,
        program,
        created_at=clock.ago(160, hour=9),
        status_changed_at=clock.ago(STARTED_DAYS_AGO, hour=8),
    )
    return ActiveProgram(program, objectives, manager, cohort, told)
