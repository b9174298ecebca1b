"""A demo organisation in which a reverse-mentoring program is alive, for trying the service.

``seed`` builds, in the caller's transaction, a company of 120 people and four programs at
every stage of their life (consulting, enrolling, active for three months, completed), all
through the domain services, with dates relative to today. ``load`` runs it in one
transaction (all or nothing) and then lets the health check store each pair's health.
Running it again builds a second, independent organisation.
"""

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.engine import unit_of_work
from app.demo import active, history, impact, network, upcoming
from app.demo.clock import Clock
from app.demo.context import Demo
from app.demo.directory import Directory, Person, build_directory
from app.demo.stories import PairStory, Plan
from app.demo.tokens import DEV_AUDIENCE, mint_dev_token
from app.domain.access import service as access
from app.domain.access.models import IdentityClaim, IdentityProviderCreate, Organization
from app.domain.access.principal import Principal, Scope
from app.domain.pairs.models import Pair
from app.domain.programs.models import Program
from app.domain.progress.health_check import check_pair_health

__all__ = ["DEV_AUDIENCE", "TOKEN_MINUTES", "DemoResult", "Login", "load", "mint_dev_token", "seed"]

TOKEN_MINUTES = 24 * 60


@dataclass(frozen=True)
class Login:
    """Someone to act as, with a development token."""

    role: str
    name: str
    email: str
    title: str
    token: str


@dataclass(frozen=True)
class ProgramSummary:
    status: str
    name: str
    id: uuid.UUID


@dataclass(frozen=True)
class DemoResult:
    organization_name: str
    slug: str
    earlier: str | None  # the demo organisation that existed already, if any
    employees: int
    admin_token: str
    manager: Login
    mentor: Login
    mentee: Login
    programs: list[ProgramSummary]
    active_program_id: uuid.UUID
    enrolling_program_id: uuid.UUID
    mentee_pair_id: uuid.UUID


async def _free_name(session: AsyncSession, name: str) -> tuple[str, str | None]:
    """``name``, or ``name 2``, ``name 3``... when an organisation has its slug already."""
    candidate, number = name, 1
    while True:
        slug = access.slugify(candidate)
        taken = await session.exec(select(Organization.id).where(Organization.slug == slug))
        if taken.first() is None:
            return candidate, access.slugify(name) if number > 1 else None
        number += 1
        candidate = f"{name} {number}"


async def seed(session: AsyncSession, name: str = "Acme Demo") -> DemoResult:
    """Build a new demo organisation in the caller's transaction."""
    name, earlier = await _free_name(session, name.strip() or "Acme Demo")
    organization, key, admin_token = await access.create_organization(session, name)
    admin = Principal.for_api_key(organization.id, key.id, frozenset({Scope.ADMIN}))
    await access.create_identity_provider(
        session,
        admin,
        IdentityProviderCreate(
            name="Development provider (HS256)",
            issuer=f"https://idp.{organization.slug}.example",
            audience=DEV_AUDIENCE,
            identity_claim=IdentityClaim.EMAIL,
            shared_secret=secrets.token_urlsafe(48),
        ),
    )
    clock = Clock(utcnow())
    demo = Demo(session, organization, admin, clock, Directory())
    demo.people = await build_directory(
        session, admin, organization.slug, demo.rng("directory"), clock.today
    )
    pilot, pilot_pairs = await history.build(demo)
    running = await active.build(demo)
    await network.build(demo, running.program, running.manager, running.stories)
    taken = {p.email for p, _ in running.cohort.mentors.values()}
    taken |= {p.email for p, _ in running.cohort.mentees.values()}
    enrolling = await upcoming.build_enrolling(demo, taken)
    await upcoming.build_consulting(demo)
    # Last: the pilot's comparison group is drawn from people no other part involves.
    await impact.directory_history(demo, pilot, pilot_pairs, history.STARTED_DAYS_AGO)
    mentee_story, mentor = await _tour_guides(demo, running.stories)
    manager = running.manager
    logins = []
    for role, person in (
        ("program manager", manager),
        ("mentor", mentor),
        ("mentee", mentee_story.mentee),
    ):
        token = await mint_dev_token(session, organization.slug, person.email, TOKEN_MINUTES)
        logins.append(
            Login(role, person.name, person.email, person.employee.job_title or "", token)
        )
    programs = await session.exec(
        select(Program)
        .where(Program.organization_id == organization.id)
        .order_by(col(Program.created_at))
    )
    return DemoResult(
        organization_name=organization.name,
        slug=organization.slug,
        earlier=earlier,
        employees=len(demo.people.people),
        admin_token=admin_token,
        manager=logins[0],
        mentor=logins[1],
        mentee=logins[2],
        programs=[ProgramSummary(str(p.status), p.name, p.id) for p in programs],
        active_program_id=running.program.id,
        enrolling_program_id=enrolling.id,
        mentee_pair_id=mentee_story.pair.id,
    )


async def _tour_guides(demo: Demo, told: list[PairStory]) -> tuple[PairStory, Person]:
    """A mentee whose pair is going well, and a mentor of another pair who could mentor them
    too (not in their reporting line, never paired with them): the tour pairs these two."""
    on_track = [s for s in told if s.plan == Plan.ON_TRACK]
    chosen = max(on_track, key=lambda s: (s.cadence == 14, len(s.logs), s.mentee.name))
    history = await demo.session.exec(
        select(Pair.mentor_employee_id).where(Pair.mentee_employee_id == chosen.mentee.employee.id)
    )
    paired_before = set(history.all())
    mentor = next(
        s.mentor
        for s in told
        if s is not chosen
        and s.plan != Plan.ENDED
        and s.mentor.employee.id not in paired_before
        and not demo.people.related(s.mentor, chosen.mentee)
    )
    return chosen, mentor


async def load(factory: async_sessionmaker[AsyncSession], name: str = "Acme Demo") -> DemoResult:
    """Seed in one transaction (nothing is left of a failed attempt), then store pair health."""
    async with unit_of_work(factory) as session:
        result = await seed(session, name)
    await check_pair_health(factory)
    return result
