"""A pair's months together: agreement, goals, logged sessions, confirmations, fit checks,
feedback.

Every step goes through the pairs, session-log and progress services, acting as the pair's
own people. Only the dates are moved into the past afterwards (``backdate``), so what the
health rules compute today is what the story says: a pair whose last session was three
weeks ago *is* one that needs attention.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import select

from app.demo.clock import backdate
from app.demo.context import Demo
from app.demo.directory import Person
from app.demo.topics import Craft, Topic, Words
from app.domain.pairs import agreement, fit, goals
from app.domain.pairs import service as pairs
from app.domain.pairs.models import (
    EndReason,
    FitAnswer,
    GoalStatus,
    Pair,
    PairFitCheck,
    PairStatus,
)
from app.domain.pairs.schemas import (
    AgreementFormat,
    AgreementWrite,
    FitCheckWrite,
    GoalCreate,
    PairTransition,
)
from app.domain.programs.models import Objective
from app.domain.progress import feedback
from app.domain.progress.models import FeedbackCreate, FeedbackStage
from app.domain.session_logs import service as session_logs
from app.domain.session_logs.models import (
    ActionItem,
    LogFormat,
    LogStatus,
    Owner,
    SessionLog,
    SessionLogConfirm,
    SessionLogCreate,
    SessionLogDispute,
)


class Plan(StrEnum):
    """How the pair's story goes, and so the health it shows today."""

    ON_TRACK = "on_track"
    QUIET = "quiet"  # needs attention: no session for longer than the agreed cadence
    OVERDUE = "overdue"  # needs attention: an action item past its due date
    LOW_RATINGS = "low_ratings"  # needs attention: sessions rated below 3 on average
    AT_RISK = "at_risk"  # nothing for more than twice the cadence
    ENDED = "ended"  # ended early, a few weeks in
    COMPLETED = "completed"  # went the distance (a finished program)


W = Words
GROUND_RULES = W(
    "We start and end on time. Cancelling is fine, with a day's notice and a new date. "
    "Either of us can raise what is not working.",
    "On commence et on finit à l'heure. Annuler est possible, avec un jour de préavis et "
    "une nouvelle date. Chacun peut dire ce qui ne fonctionne pas.",
)
CONFIDENTIALITY = W(
    "What we say stays between us; only our goals and the dates of our sessions are shared "
    "with the program team.",
    "Ce qui se dit reste entre nous ; seuls nos objectifs et les dates de nos séances sont "
    "partagés avec l'équipe du programme.",
)
IN_RETURN = W(
    "In return, {mentee} talked about {craft}.", "En retour, {mentee} a parlé de {craft}."
)
SEND_LINKS = W(
    "Send {mentee} the links and templates from today",
    "Envoyer à {mentee} les liens et modèles vus aujourd'hui",
)
NOTE_TO_SELF = W(
    "Note to self: ask my team which of these they already use.",
    "Note pour moi : demander à l'équipe lesquels de ces outils elle utilise déjà.",
)
DUPLICATE = W(
    "Logged twice: we met on Thursday, not on Tuesday (the other log is the right one).",
    "Saisie en double : nous nous sommes vus jeudi, pas mardi (l'autre compte rendu est le bon).",
)
ENDED_NOTE = W(
    "Six-month assignment abroad from next month; we may pick this up again later.",
    "Mission de six mois à l'étranger dès le mois prochain ; nous reprendrons peut-être plus tard.",
)
UNSURE_NOTE = W(
    "Friendly, but we keep talking about tools I already use; hoping it picks up.",
    "Sympathique, mais nous parlons d'outils que j'utilise déjà ; j'espère que ça va décoller.",
)
WORKED = (
    W("Concrete examples from my own week.", "Des exemples concrets tirés de ma semaine."),
    W(
        "A safe place to ask the questions I would not ask in a meeting.",
        "Un espace pour poser les questions que je n'oserais pas poser en réunion.",
    ),
    W(
        "Learning both ways: I leave every session with something.",
        "On apprend dans les deux sens : je repars de chaque séance avec quelque chose.",
    ),
)
IMPROVE = (
    W("Protect the slot in our calendars.", "Protéger le créneau dans nos agendas."),
    W("More time between sessions to practise.", "Plus de temps entre les séances pour pratiquer."),
    W(
        "We lost the rhythm after the holidays.",
        "Nous avons perdu le rythme après les vacances.",
    ),
)


@dataclass
class PairStory:
    pair: Pair
    mentor: Person
    mentee: Person
    plan: Plan
    topics: list[Topic]
    crafts: list[Craft]
    started_days_ago: int
    cadence: int = 14
    logs: list[SessionLog] = field(default_factory=list)

    @property
    def french(self) -> bool:
        return self.mentor.speaks_french and self.mentee.speaks_french

    def names(self) -> dict[str, str]:
        return {"mentor": self.mentor.first_name, "mentee": self.mentee.first_name}


def session_days(story: PairStory, rng: random.Random, ended_days_ago: int | None) -> list[int]:
    """Days ago of each session, oldest first, following the story's plan."""
    c = story.cadence
    last = {
        Plan.ON_TRACK: rng.randint(2, max(3, int(0.6 * c))),
        Plan.QUIET: round(1.5 * c),
        Plan.OVERDUE: rng.randint(6, 8),
        Plan.LOW_RATINGS: rng.randint(3, 8),
        Plan.AT_RISK: round(2.6 * c),
        Plan.ENDED: (ended_days_ago or 0) + 6,
        Plan.COMPLETED: (ended_days_ago or 0) + 5,
    }[story.plan]
    days = []
    day = last
    while day < story.started_days_ago - 3:
        days.append(day)
        day += c + rng.randint(-2, 2)
    return sorted(days, reverse=True)


async def activate(demo: Demo, story: PairStory, manager: Person) -> None:
    """The manager starts the pair; it started ``started_days_ago``."""
    await pairs.transition_pair(
        demo.session,
        manager.principal(),
        story.pair.id,
        PairTransition(to=PairStatus.ACTIVE),
        story.pair.version,
    )
    start = demo.clock.ago(story.started_days_ago, hour=9)
    await backdate(
        demo.session, story.pair, created_at=start - timedelta(days=4), started_on=start.date()
    )


async def write_agreement(demo: Demo, story: PairStory, rng: random.Random) -> None:
    """One of them writes the agreement; both acknowledge it."""
    writer, other = rng.choice([(story.mentee, story.mentor), (story.mentor, story.mentee)])
    same_site = story.mentor.site == story.mentee.site
    start = demo.clock.ago(story.started_days_ago, hour=9)
    data = AgreementWrite(
        format=AgreementFormat.MIXED if same_site else AgreementFormat.VIDEO,
        cadence_days=story.cadence,
        channel=rng.choice(["Teams", "Teams", "Google Meet"])
        if not same_site
        else rng.choice(["Café du 3e étage, sinon Teams", "Meeting room 2.14, or Teams"]),
        ground_rules=GROUND_RULES.say(story.french),
        confidentiality=CONFIDENTIALITY.say(story.french),
        starts_on=start.date(),
    )
    pair = story.pair
    await agreement.write_agreement(
        demo.session, writer.principal(), pair.id, data, story.pair.version
    )
    for person in (writer, other):
        await agreement.acknowledge_agreement(demo.session, person.principal(), pair.id, None)
    await backdate(
        demo.session,
        pair,
        agreement_updated_at=start,
        mentor_acknowledged_at=start + timedelta(hours=5),
        mentee_acknowledged_at=start + timedelta(hours=7),
    )


async def set_goals(
    demo: Demo, story: PairStory, objectives: list[Objective], rng: random.Random
) -> None:
    """The mentee sets a goal or two, each toward the objective its topic serves."""
    for index, topic in enumerate(story.topics[:2]):
        objective = next((o for o in objectives if topic.tag in o.topic_tags), None)
        done = story.plan in (Plan.ON_TRACK, Plan.COMPLETED) and index == 0
        progress = 100 if done else rng.choice([20, 35, 50, 60, 70])
        if story.plan in (Plan.AT_RISK, Plan.ENDED):
            progress = rng.choice([0, 10, 20])
        await goals.create_goal(
            demo.session,
            story.mentee.principal(),
            story.pair.id,
            GoalCreate(
                title=topic.goal.say(story.french),
                objective_id=objective.id if objective else None,
                status=GoalStatus.ACHIEVED
                if done
                else GoalStatus.IN_PROGRESS
                if progress
                else GoalStatus.NOT_STARTED,
                progress=progress,
            ),
        )


def _ratings(story: PairStory, rng: random.Random) -> tuple[int, int]:
    if story.plan == Plan.LOW_RATINGS:
        return 3, 2
    if story.plan == Plan.ON_TRACK or story.plan == Plan.COMPLETED:
        return rng.choice([4, 5, 5]), rng.choice([4, 5, 5])
    return rng.choice([3, 4, 4]), rng.choice([3, 4, 5])


@dataclass
class _Session:
    """One session as each side tells it: the author's log and the other's confirmation."""

    author: Person
    other: Person
    log: SessionLogCreate
    confirmation: SessionLogConfirm


def _session(
    story: PairStory, index: int, held: datetime, last: bool, due: date, rng: random.Random
) -> _Session:
    names = story.names()
    french = story.french
    topic = story.topics[index % len(story.topics)]
    craft = story.crafts[index % len(story.crafts)] if story.crafts else None
    summary = topic.session.say(french, **names)
    if craft is not None:
        summary += " " + IN_RETURN.say(french, **names, craft=craft.label.say(french))
    items = [
        ActionItem(
            text=topic.action.say(french, **names),
            owner=Owner.MENTEE,
            due=due,
            done=not last or story.plan in (Plan.ENDED, Plan.COMPLETED),
        )
    ]
    if index % 3 == 0:
        items.append(
            ActionItem(text=SEND_LINKS.say(french, **names), owner=Owner.MENTOR, done=True)
        )
    mentor_rating, mentee_rating = _ratings(story, rng)
    mentee_side = SessionLogConfirm(learned=topic.learned.say(french), rating=mentee_rating)
    mentor_side = SessionLogConfirm(
        learned=craft.learned.say(french) if craft else None, rating=mentor_rating
    )
    by_mentee = index % 2 == 0  # they take turns
    author_side = mentee_side if by_mentee else mentor_side
    log = SessionLogCreate(
        held_at=held,
        duration_minutes=rng.choice([45, 60, 60, 30]),
        format=LogFormat.IN_PERSON
        if story.mentor.site == story.mentee.site and index % 2
        else LogFormat.VIDEO,
        topics=[topic.tag] + ([craft.tag] if craft else []),
        summary=summary,
        action_items=items,
        learned=author_side.learned,
        rating=author_side.rating,
        private_note=NOTE_TO_SELF.say(french) if by_mentee and index == 0 else None,
    )
    if by_mentee:
        return _Session(story.mentee, story.mentor, log, mentor_side)
    return _Session(story.mentor, story.mentee, log, mentee_side)


async def log_sessions(
    demo: Demo,
    story: PairStory,
    rng: random.Random,
    *,
    ended_days_ago: int | None = None,
    dispute_one: bool = False,
) -> None:
    """Log each session as one of the two, and have the other confirm it (the most recent
    one may still wait); ``dispute_one`` adds a duplicate log that the other side disputes."""
    days = session_days(story, rng, ended_days_ago)
    for index, day in enumerate(days):
        held = demo.clock.ago(day, hour=rng.choice([8, 9, 13, 14]))
        last = index == len(days) - 1
        due = held.date() + timedelta(days=max(story.cadence, 10))
        if story.plan == Plan.OVERDUE and last:
            due = demo.clock.day(-3)
        told = _session(story, index, held, last, due, rng)
        log, _note = await session_logs.create_log(
            demo.session, told.author.principal(), story.pair.id, told.log
        )
        story.logs.append(log)
        answered = not (last and day <= 3 and story.plan != Plan.COMPLETED)
        if answered:
            await session_logs.confirm_log(
                demo.session,
                told.other.principal(),
                story.pair.id,
                log.id,
                told.confirmation,
                log.version,
            )
        await _backdate_log(demo, log, held, answered)
        if dispute_one and index == len(days) // 2:
            await _duplicate_disputed(
                demo, story, told.author, told.other, held - timedelta(days=2)
            )


async def _duplicate_disputed(
    demo: Demo, story: PairStory, author: Person, other: Person, held: datetime
) -> None:
    """The same session logged twice, with the wrong date: the other side disputes it."""
    topic = story.topics[0]
    log, _note = await session_logs.create_log(
        demo.session,
        author.principal(),
        story.pair.id,
        SessionLogCreate(
            held_at=held,
            duration_minutes=60,
            format=LogFormat.VIDEO,
            topics=[topic.tag],
            summary=topic.session.say(story.french, **story.names()),
        ),
    )
    await session_logs.dispute_log(
        demo.session,
        other.principal(),
        story.pair.id,
        log.id,
        SessionLogDispute(reason=DUPLICATE.say(story.french)),
        log.version,
    )
    story.logs.append(log)
    await _backdate_log(demo, log, held, True)


async def _backdate_log(demo: Demo, log: SessionLog, held: datetime, answered: bool) -> None:
    written = min(held + timedelta(hours=2), demo.clock.now)
    if answered:
        replied = min(held + timedelta(days=1, hours=3), demo.clock.now)
        await backdate(demo.session, log, created_at=written, responded_at=replied)
    else:
        await backdate(demo.session, log, created_at=written)


async def give_feedback(
    demo: Demo, story: PairStory, stage: FeedbackStage, days_ago: int, rng: random.Random
) -> None:
    """Both people answer the form (``mid`` or ``end``)."""
    good = story.plan in (Plan.ON_TRACK, Plan.COMPLETED)
    poor = story.plan in (Plan.AT_RISK, Plan.LOW_RATINGS)
    for person in (story.mentor, story.mentee):
        rating = rng.choice([4, 5, 5]) if good else rng.choice([2, 3]) if poor else 4
        recommend = rng.choice([9, 10, 8]) if good else rng.choice([4, 6]) if poor else 7
        answer = await feedback.submit_feedback(
            demo.session,
            person.principal(),
            story.pair.id,
            FeedbackCreate(
                stage=stage,
                rating=rating,
                what_worked=rng.choice(WORKED).say(story.french),
                what_to_improve=rng.choice(IMPROVE).say(story.french),
                would_recommend=recommend,
            ),
        )
        await backdate(demo.session, answer, created_at=demo.clock.ago(days_ago, hour=15))


async def end(demo: Demo, story: PairStory, manager: Person, days_ago: int) -> None:
    """End the pair: early (``Plan.ENDED``) or completed, ``days_ago``."""
    if story.plan == Plan.ENDED:
        move = PairTransition(
            to=PairStatus.ENDED_EARLY,
            reason=EndReason.SCHEDULE,
            note=ENDED_NOTE.say(story.french),
        )
        acting = story.mentee.principal()
    else:
        move = PairTransition(to=PairStatus.COMPLETED)
        acting = manager.principal()
    await pairs.transition_pair(demo.session, acting, story.pair.id, move, story.pair.version)
    await backdate(demo.session, story.pair, ended_at=demo.clock.ago(days_ago, hour=16))


async def answer_fit_checks(demo: Demo, story: PairStory, *, waiting: bool = False) -> None:
    """Two days after their first confirmed session, both say how the pair fits: a good fit,
    or, for a pair that struggles, a mentee who is unsure (with a note for the managers).
    ``waiting``: the mentor has not answered yet."""
    confirmed = [log.responded_at for log in story.logs if log.status == LogStatus.CONFIRMED]
    first = min((when for when in confirmed if when is not None), default=None)
    if first is None:
        return
    doubtful = story.plan in (Plan.AT_RISK, Plan.LOW_RATINGS)
    sides = [story.mentee] if waiting else [story.mentor, story.mentee]
    for person in sides:
        unsure = doubtful and person is story.mentee
        answer = FitCheckWrite(
            answer=FitAnswer.UNSURE if unsure else FitAnswer.GOOD_FIT,
            note=UNSURE_NOTE.say(story.french) if unsure else None,
        )
        await fit.answer_fit_check(demo.session, person.principal(), story.pair.id, answer)
    answered = min(first + timedelta(days=2, hours=3), demo.clock.now)
    rows = await demo.session.exec(
        select(PairFitCheck).where(PairFitCheck.pair_id == story.pair.id)
    )
    for row in rows.all():
        await backdate(demo.session, row, created_at=answered)
