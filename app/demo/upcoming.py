"""The programs still ahead: one enrolling (ready to be matched), one being consulted on.

The enrolling program has objectives with success indicators and thirty approved people
with complete profiles, and more mentees than mentors' seats: a first matching run shows
proposals with their explanations and people left unmatched with the reason. The other
program is still asking its stakeholders what it should be for.
"""

from app.demo.clock import backdate
from app.demo.context import (
    Contributed,
    Demo,
    backdate_consultation,
    close_consultation,
    consult,
    create_program,
    enrol,
    move,
    profile,
)
from app.demo.directory import Level
from app.demo.pairing import crafts, enrol_cohort, topics_to_teach
from app.domain.participants.models import ParticipantRole
from app.domain.programs import consultation
from app.domain.programs.consultation_models import (
    ContributionCreate,
    ContributionDecision,
    ContributionKind,
    ContributionResolution,
    ProposedObjective,
    StakeholderInvite,
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

ENROLLING_OBJECTIVES = [
    ObjectiveCreate(
        title="Managers read and present data themselves",
        category=ObjectiveCategory.TECHNOLOGY_SKILLS,
        topic_tags=["data-visualisation", "no-code"],
        priority=1,
        success_indicators=[
            SuccessIndicator(
                name="Managers building their own reports", target_value=60, unit="%", baseline=15
            )
        ],
    ),
    ObjectiveCreate(
        title="Safe digital habits in every team",
        category=ObjectiveCategory.TECHNOLOGY_SKILLS,
        topic_tags=["cybersecurity", "digital-sobriety"],
        priority=2,
        success_indicators=[
            SuccessIndicator(
                name="Click rate in the phishing test", target_value=5, unit="%", baseline=18
            )
        ],
    ),
    ObjectiveCreate(
        title="Our people speak for the company online",
        category=ObjectiveCategory.DIGITAL_TRANSFORMATION,
        topic_tags=["linkedin", "social-media", "video-content"],
        priority=3,
        success_indicators=[
            SuccessIndicator(
                name="Employees posting about the company each month",
                target_value=40,
                unit="people",
                baseline=6,
            )
        ],
    ),
]


async def build_enrolling(demo: Demo, taken: set[str]) -> Program:
    """``taken``: e-mails of people already in the active program's pairs."""
    rng = demo.rng("enrolling")
    clock, people = demo.clock, demo.people
    manager = people.titled("Director of Learning & Development")
    program, objectives = await create_program(
        demo,
        manager,
        ProgramCreate(
            name="Data & Digital Fluency — Spring cohort",
            description=(
                "Managers across the sites learn data, security and social media habits from "
                "junior colleagues; juniors learn how the business runs."
            ),
            starts_on=clock.day(30),
            ends_on=clock.day(210),
            cadence_days=14,
            meeting_minutes=45,
        ),
        ENROLLING_OBJECTIVES,
    )
    it_director = people.titled("IT Director")
    await consult(
        demo,
        program,
        manager,
        "Which digital skills do managers need most this year?",
        [
            Contributed(
                it_director,
                StakeholderRole.IT,
                ContributionCreate(
                    kind=ContributionKind.ENDORSEMENT, objective_id=objectives[1].id
                ),
                ContributionResolution(decision=ContributionDecision.ACCEPTED),
            ),
        ],
    )
    await close_consultation(
        demo, program, manager, "Data first, then security; social media as a third theme."
    )
    await move(demo, program, manager, ProgramStatus.ENROLLING)
    free = [p for p in people.people if p.email not in taken]
    juniors = [p for p in free if p.level == Level.JUNIOR]
    mentors = rng.sample(juniors, k=13)
    mentees = rng.sample([p for p in free if p.level == Level.EXPERIENCED], k=17)
    mentees += people.at(Level.CEO)  # whom no mentor outside her reporting line can take
    favoured = [tag for o in objectives for tag in o.topic_tags]
    await enrol_cohort(demo, program, manager, mentors, mentees, favoured, rng)
    late = next(p for p in juniors if p not in mentors)
    form = profile(
        late,
        ParticipantRole.MENTOR,
        rng,
        teaches=topics_to_teach(rng, favoured, 3),
        learns=crafts(rng, 1),
    )
    await enrol(demo, program, manager, late, form, decide=None)  # waits for a decision
    await backdate_consultation(demo, program, 45, 20)
    await backdate(
        demo.session,
        program,
        created_at=clock.ago(52, hour=9),
        status_changed_at=clock.ago(18, hour=9),
    )
    return program


async def build_consulting(demo: Demo) -> Program:
    """A program whose stakeholders are still being heard."""
    rng = demo.rng("consulting")
    people = demo.people
    manager = people.titled("HR Director")
    program, objectives = await create_program(
        demo,
        manager,
        ProgramCreate(
            name="Inclusion & nouvelles générations",
            description=(
                "Un programme de mentorat inversé centré sur l'inclusion, l'accessibilité et "
                "l'accueil des jeunes diplômés, sur tous les sites."
            ),
            starts_on=demo.clock.day(75),
            cadence_days=21,
        ),
        [
            ObjectiveCreate(
                title="Des recrutements et des usages plus inclusifs",
                category=ObjectiveCategory.DIVERSITY_INCLUSION,
                topic_tags=["inclusive-language", "accessibility", "gen-z-culture"],
            )
        ],
    )
    ceo = people.at(Level.CEO)[0]
    rep = next(p for p in people.at(Level.EXPERIENCED) if p.department == "Operations")
    juniors = rng.sample(people.at(Level.JUNIOR), k=2)
    seniors = rng.sample(people.at(Level.DIRECTOR), k=2)
    objective = objectives[0].id
    answers = [
        Contributed(
            ceo,
            StakeholderRole.EXECUTIVE_SPONSOR,
            ContributionCreate(kind=ContributionKind.ENDORSEMENT, objective_id=objective),
            ContributionResolution(decision=ContributionDecision.ACCEPTED),
        ),
        Contributed(
            people.titled("Chief People Officer"),
            StakeholderRole.HR,
            ContributionCreate(
                kind=ContributionKind.PROPOSED_OBJECTIVE,
                proposal=ProposedObjective(
                    title="Mieux accueillir les alternants et les jeunes diplômés",
                    category=ObjectiveCategory.CULTURE,
                    description="Un parcours d'arrivée construit avec eux.",
                ),
            ),
            ContributionResolution(decision=ContributionDecision.ACCEPTED, create_objective=True),
        ),
        Contributed(
            people.titled("IT Director"),
            StakeholderRole.IT,
            ContributionCreate(
                kind=ContributionKind.CONCERN,
                body="Les outils d'accessibilité testés doivent être validés par la DSI.",
            ),
            ContributionResolution(
                decision=ContributionDecision.ACCEPTED,
                reason="La DSI validera la liste des outils avant le démarrage.",
            ),
        ),
        Contributed(
            rep,
            StakeholderRole.EMPLOYEE_REPRESENTATIVE,
            ContributionCreate(
                kind=ContributionKind.CONCERN,
                body="Le temps de mentorat doit être compté comme du temps de travail.",
            ),
        ),
        Contributed(
            juniors[0],
            StakeholderRole.FUTURE_MENTOR,
            ContributionCreate(
                kind=ContributionKind.PROPOSED_OBJECTIVE,
                proposal=ProposedObjective(
                    title="TikTok for employer branding",
                    category=ObjectiveCategory.DIGITAL_TRANSFORMATION,
                ),
            ),
            ContributionResolution(
                decision=ContributionDecision.DECLINED,
                reason="Hors du périmètre de ce programme ; transmis à l'équipe marque employeur.",
            ),
        ),
        Contributed(
            juniors[1],
            StakeholderRole.FUTURE_MENTOR,
            ContributionCreate(
                kind=ContributionKind.COMMENT,
                body="I would love to cover accessibility: I use a screen reader with my brother.",
            ),
        ),
        Contributed(
            seniors[0],
            StakeholderRole.FUTURE_MENTEE,
            ContributionCreate(
                kind=ContributionKind.COMMENT,
                body="Une heure toutes les trois semaines me paraît tenable.",
            ),
            ContributionResolution(decision=ContributionDecision.ACCEPTED),
        ),
        Contributed(
            seniors[1],
            StakeholderRole.FUTURE_MENTEE,
            ContributionCreate(kind=ContributionKind.ENDORSEMENT, objective_id=objective),
        ),
        Contributed(
            None,
            StakeholderRole.HR,
            ContributionCreate(
                kind=ContributionKind.COMMENT,
                body="Consider pairing across sites so that Montréal is not left out.",
            ),
            outsider=StakeholderInvite(
                email="ines.carpentier@cabinet-equilibre.example",
                name="Inès Carpentier (Cabinet Équilibre)",
                role=StakeholderRole.HR,
            ),
        ),
    ]
    await consult(
        demo,
        program,
        manager,
        "Sur quels sujets les jeunes collaborateurs devraient-ils accompagner les managers en "
        "priorité, et combien de temps chacun peut-il y consacrer ?",
        answers,
        deadline_days=12,
    )
    opened = demo.clock.ago(6, hour=9)
    await backdate(
        demo.session, program, created_at=demo.clock.ago(9, hour=9), status_changed_at=opened
    )
    found = await consultation.get_consultation(demo.session, demo.admin, program.id)
    await backdate(demo.session, found, created_at=opened)
    return program
