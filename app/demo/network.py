"""The active program's support network: a mentor circle, its meetings, a workshop, a guest.

Eight mentors share a circle run by the program's manager, with a guest mentor from a
partner company. They talk in threads (one of them anonymous), met three weeks ago and meet
again soon. A hands-on workshop is full, with people waiting for a seat.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from app.demo.clock import backdate
from app.demo.context import Demo
from app.demo.directory import Person
from app.demo.stories import PairStory, Plan
from app.demo.topics import Words
from app.domain.access.principal import Principal
from app.domain.programs.models import Program
from app.domain.support import circles, discussions, guests, meetings, registrations, workshops
from app.domain.support.models import Circle, CircleMember, DiscussionPost, Rsvp, ThreadKind
from app.domain.support.schemas import (
    AttendanceMark,
    CircleCreate,
    GuestInvitation,
    GuestMentorCreate,
    MeetingCreate,
    MeetingResponse,
    MeetingUpdate,
    PostCreate,
    ThreadCreate,
    WorkshopCreate,
)

W = Words


@dataclass(frozen=True)
class Thread:
    kind: ThreadKind
    title: Words
    body: Words
    tags: tuple[str, ...]
    replies: tuple[Words, ...]
    anonymous: bool = False


THREADS = (
    Thread(
        ThreadKind.QUESTION,
        W(
            "How do I show an enthusiastic executive what generative AI cannot do?",
            "Comment montrer à un dirigeant enthousiaste ce que l'IA générative ne sait pas "
            "faire ?",
        ),
        W(
            "My mentee wants to automate everything at once. How do I show the limits without "
            "putting him off?",
            "Mon mentee veut tout automatiser d'un coup. Comment lui montrer les limites sans "
            "le décourager ?",
        ),
        ("generative-ai",),
        (
            W(
                "I have the tool answer a question on a subject he knows by heart. He spots "
                "the mistakes himself, which beats any speech.",
                "Je fais répondre l'outil sur un sujet qu'il connaît par cœur. Il repère "
                "lui-même les erreurs, ça vaut tous les discours.",
            ),
            W(
                "Ask for sources every time, and open them together.",
                "Demander les sources à chaque fois, et les ouvrir ensemble.",
            ),
        ),
    ),
    Thread(
        ThreadKind.EXPERIENCE,
        W(
            "My mentee keeps cancelling, and I don't dare say anything",
            "Mon mentee annule sans arrêt, et je n'ose rien dire",
        ),
        W(
            "Third cancellation in a row, always the day before. She sits on the executive "
            "committee: how do I raise it without it backfiring on me?",
            "Troisième annulation d'affilée, toujours la veille. Elle siège au comité de "
            "direction : comment en parler sans que ça se retourne contre moi ?",
        ),
        ("agreement",),
        (
            W(
                "Your agreement says 'a day's notice and a new date': point to it, it is not "
                "personal.",
                "Votre accord dit « un jour de préavis et une nouvelle date » : appuie-toi "
                "dessus, ce n'est pas personnel.",
            ),
            W(
                "You can also write to me: I can check in with the pair without naming you.",
                "Tu peux aussi m'écrire : je peux relancer le binôme sans te citer.",
            ),
        ),
        anonymous=True,
    ),
    Thread(
        ThreadKind.STRATEGY,
        W(
            "Preparing a session when you are not the expert",
            "Préparer une séance quand on n'est pas l'expert",
        ),
        W(
            "What worked for me: pick one real task from my mentee's week and solve it "
            "together, rather than a demo.",
            "Ce qui marche pour moi : partir d'une vraie tâche de la semaine de mon mentee et "
            "la résoudre ensemble, plutôt qu'une démo.",
        ),
        ("preparation",),
        (
            W(
                "Same here. And I keep the last ten minutes for what he teaches me.",
                "Pareil. Et je garde les dix dernières minutes pour ce qu'il m'apprend.",
            ),
        ),
    ),
)
CHECKLIST = Thread(
    ThreadKind.RESOURCE,
    W("Checklist: a first session in 45 minutes", "Checklist : une première séance en 45 minutes"),
    W(
        "1. Ten minutes to get to know each other. 2. Pick one real task to work on. "
        "3. Do it together. 4. Agree on one action each. 5. Book the next date before leaving.",
        "1. Dix minutes pour faire connaissance. 2. Choisir une vraie tâche. 3. La faire "
        "ensemble. 4. Convenir d'une action chacun. 5. Fixer la prochaine date avant de partir.",
    ),
    ("first-session", "checklist"),
    (),
)
CONSENT = (
    "J'accepte que mon nom, mon entreprise et mes contributions au cercle soient conservés "
    "pendant la durée du programme. / I agree that my name, company and contributions are "
    "kept for the duration of the program."
)


@dataclass
class Network:
    circle: Circle
    guest_token: str


async def build(demo: Demo, program: Program, manager: Person, told: list[PairStory]) -> Network:
    rng = demo.rng("network")
    session, clock = demo.session, demo.clock
    acting = manager.principal()
    running = [s for s in told if s.plan != Plan.ENDED]
    members = [s.mentor for s in running[:8]]
    circle = await circles.create_circle(
        session,
        acting,
        program.id,
        CircleCreate(
            name="Cercle des mentors / Mentor circle",
            description=(
                "Entre mentors : questions, astuces et retours d'expérience. / Between "
                "mentors: questions, tips and experience."
            ),
            facilitator_employee_id=manager.employee.id,
            member_employee_ids=[m.employee.id for m in members],
        ),
    )
    guest, token = await guests.create_guest(
        session,
        acting,
        GuestMentorCreate(
            name="Amélie Rousseau",
            partner_organization="Numeria Conseil",
            email="amelie.rousseau@numeria.example",
            expertise=["generative-ai", "accessibility"],
            consent=True,
            consent_statement=CONSENT,
        ),
    )
    await guests.invite(session, acting, guest.id, GuestInvitation(circle_id=circle.id))
    as_guest = await guests.authenticate_guest(session, token)
    joined = clock.ago(85, hour=10)
    listed = await circles.list_members(
        session, acting, program.id, circle.id, limit=100, cursor=None
    )
    by_employee: dict[uuid.UUID | None, CircleMember] = {m.employee_id: m for m in listed.items}
    for member in listed.items:
        await backdate(session, member, joined_at=joined)
    for person in members:
        await circles.record_joining_confidence(
            session,
            person.principal(),
            program.id,
            circle.id,
            by_employee[person.employee.id].id,
            rng.choice([2, 2, 3]),
        )
    await _threads(demo, program, circle, members, manager, as_guest)
    await _meetings(demo, program, circle, members, manager, rng)
    await _workshop(demo, program, manager, guest.id, running)
    return Network(circle, token)


async def _threads(
    demo: Demo,
    program: Program,
    circle: Circle,
    members: list[Person],
    manager: Person,
    as_guest: Principal,
) -> None:
    session, clock = demo.session, demo.clock
    authors = [members[0], members[1], members[2]]
    for index, (thread, author) in enumerate(zip(THREADS, authors, strict=True)):
        french = author.speaks_french
        started = await discussions.start_thread(
            session,
            author.principal(),
            program.id,
            circle.id,
            ThreadCreate(
                kind=thread.kind,
                title=thread.title.say(french),
                body=thread.body.say(french),
                tags=list(thread.tags),
                anonymous=thread.anonymous,
            ),
        )
        when = clock.ago(60 - 15 * index, hour=11)
        await backdate(session, started, created_at=when)
        repliers = [members[(index + 3 + r) % len(members)] for r in range(len(thread.replies))]
        if thread.anonymous:
            repliers[-1] = manager
        first: DiscussionPost | None = None
        for r, (reply, replier) in enumerate(zip(thread.replies, repliers, strict=True)):
            post = await discussions.add_post(
                session,
                replier.principal(),
                program.id,
                circle.id,
                started.id,
                PostCreate(body=reply.say(french)),
            )
            await backdate(session, post, created_at=when + timedelta(hours=3 + 20 * r))
            first = first or post
        if first is not None and not thread.anonymous:
            await discussions.mark_helpful(
                session, author.principal(), program.id, circle.id, started.id, first.id, True
            )
    resource = await discussions.start_thread(
        session,
        as_guest,
        program.id,
        circle.id,
        ThreadCreate(
            kind=CHECKLIST.kind,
            title=CHECKLIST.title.say(True),
            body=CHECKLIST.body.say(True),
            tags=list(CHECKLIST.tags),
        ),
    )
    await backdate(session, resource, created_at=clock.ago(12, hour=9))


async def _meetings(
    demo: Demo,
    program: Program,
    circle: Circle,
    members: list[Person],
    manager: Person,
    rng: random.Random,
) -> None:
    """One meeting three weeks ago (attendance, confidence, notes) and one coming up."""
    session, clock = demo.session, demo.clock
    acting = manager.principal()
    past = await meetings.schedule_meeting(
        session,
        acting,
        program.id,
        circle.id,
        MeetingCreate(
            starts_at=clock.ago(20, hour=12),
            duration_minutes=60,
            location="Paris — salle Seine",
            link="https://teams.example.com/l/meetup-join/cercle-mentors",
            agenda="Tour de table ; les séances qui coincent ; l'IA générative sans jargon.",
        ),
    )
    await meetings.update_meeting(
        session,
        acting,
        program.id,
        circle.id,
        past.id,
        MeetingUpdate(
            notes=(
                "Six mentors présents. Deux binômes peinent à trouver un rythme : proposer des "
                "créneaux fixes. Idée retenue : une fiche « première séance » partagée."
            )
        ),
        past.version,
    )
    await backdate(session, past, created_at=clock.ago(34, hour=9))
    for index, person in enumerate(members):
        attended = index < 6
        await meetings.mark_attendance(
            session,
            acting,
            program.id,
            circle.id,
            past.id,
            AttendanceMark(employee_id=person.employee.id, attended=attended),
        )
        if attended:
            await meetings.respond(
                session,
                person.principal(),
                program.id,
                circle.id,
                past.id,
                MeetingResponse(rsvp=Rsvp.YES, confidence=rng.choice([3, 4, 4, 5])),
            )
    upcoming = await meetings.schedule_meeting(
        session,
        acting,
        program.id,
        circle.id,
        MeetingCreate(
            starts_at=clock.ahead(11, hour=12),
            duration_minutes=60,
            location="Lyon — salle Confluence",
            link="https://teams.example.com/l/meetup-join/cercle-mentors",
            agenda="Bilan à mi-parcours ; préparer la fin du programme ; questions libres.",
        ),
    )
    answers = [Rsvp.YES, Rsvp.YES, Rsvp.MAYBE, Rsvp.YES, Rsvp.NO]
    for person, answer in zip(members[: len(answers)], answers, strict=True):
        await meetings.respond(
            session,
            person.principal(),
            program.id,
            circle.id,
            upcoming.id,
            MeetingResponse(rsvp=answer),
        )


async def _workshop(
    demo: Demo, program: Program, manager: Person, guest_id: uuid.UUID, running: list[PairStory]
) -> None:
    """A hands-on workshop for twelve, led by the guest: fifteen asked, three wait."""
    start = demo.clock.ahead(9, hour=13)
    workshop = await workshops.create_workshop(
        demo.session,
        manager.principal(),
        WorkshopCreate(
            program_id=program.id,
            title="Atelier : l'IA générative en pratique / Generative AI, hands on",
            description=(
                "Deux heures pour préparer une vraie note avec un outil d'IA générative, la "
                "vérifier et la partager. Apportez un sujet de votre semaine."
            ),
            facilitator_guest_id=guest_id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=12,
            location="Paris — auditorium, et sur Teams",
        ),
    )
    keen = [s.mentee for s in running[:10]] + [s.mentor for s in running[10:15]]
    for person in keen:
        await registrations.register(demo.session, person.principal(), workshop.id)
