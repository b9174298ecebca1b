"""Guest mentors from partner organisations, their invitations and their tokens.

A guest holds one invitation token (``mg_...``; only its SHA-256 is stored, like API
keys). It opens the circles and workshops the guest was invited to and nothing else: the
rest of the API does not even acknowledge it (404).
"""

import secrets
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.authentication import GUEST_TOKEN_PREFIX, hash_token
from app.domain.access.policy import require, require_admin
from app.domain.access.principal import Principal, Role, Scope
from app.domain.audit import service as audit
from app.domain.errors import Conflict, Invalid, NotFound, Unauthorized, field_error
from app.domain.programs.models import Program
from app.domain.support import access, circles, registrations, workshops
from app.domain.support.models import (
    CalendarFeed,
    Circle,
    CircleMember,
    DiscussionPost,
    DiscussionThread,
    GuestMentor,
    WorkshopGuestInvitation,
)
from app.domain.support.privacy import ERASED
from app.domain.support.schemas import (
    GuestHome,
    GuestInvitation,
    GuestInvitationRead,
    GuestMentorCreate,
    GuestMentorRead,
)


def to_read(guest: GuestMentor) -> GuestMentorRead:
    return GuestMentorRead(
        id=guest.id,
        name=guest.name,
        partner_organization=guest.partner_organization,
        email=guest.email,
        expertise=guest.expertise,
        consent_recorded_at=guest.consent_recorded_at,
        consent_statement=guest.consent_statement,
        token_prefix=guest.token_prefix,
        revoked_at=guest.revoked_at,
        created_at=guest.created_at,
    )


def _require_host(principal: Principal) -> None:
    if principal.is_guest:
        raise NotFound("Not found.", code="not_found")
    require(
        principal,
        "manage guest mentors",
        scopes=(Scope.PROGRAMS_WRITE,),
        roles=(Role.PROGRAM_MANAGER,),
    )


def _issue_token(guest: GuestMentor) -> str:
    token = GUEST_TOKEN_PREFIX + secrets.token_urlsafe(32)
    guest.token_hash = hash_token(token)
    guest.token_prefix = token[:10]
    guest.revoked_at = None
    return token


async def create_guest(
    session: AsyncSession, principal: Principal, data: GuestMentorCreate
) -> tuple[GuestMentor, str]:
    _require_host(principal)
    if not data.consent:
        raise Invalid(
            "A guest mentor's consent must be recorded before they are invited.",
            errors=[field_error("consent", "must be true", "consent_required")],
        )
    guest = GuestMentor(
        organization_id=principal.organization_id,
        name=data.name,
        partner_organization=data.partner_organization,
        email=data.email.lower(),
        expertise=data.expertise,
        consent_recorded_at=utcnow(),
        consent_statement=data.consent_statement,
    )
    token = _issue_token(guest)
    session.add(guest)
    await session.flush()
    await audit.record(session, principal, "guest_mentor.created", "guest_mentor", guest.id)
    return guest, token


async def get_guest(
    session: AsyncSession, principal: Principal, guest_id: uuid.UUID
) -> GuestMentor:
    _require_host(principal)
    guest = (
        await session.exec(
            select(GuestMentor).where(
                GuestMentor.id == guest_id, GuestMentor.organization_id == principal.organization_id
            )
        )
    ).first()
    if guest is None:
        raise NotFound("Guest mentor not found.", code="guest_not_found")
    return guest


async def list_guests(
    session: AsyncSession, principal: Principal, *, limit: int | None, cursor: str | None
) -> pagination.Page[GuestMentor]:
    _require_host(principal)
    statement = select(GuestMentor).where(GuestMentor.organization_id == principal.organization_id)
    return await pagination.paginate(
        session, statement, keys=[GuestMentor.id], limit=limit, cursor=cursor
    )


async def rotate_token(
    session: AsyncSession, principal: Principal, guest_id: uuid.UUID
) -> tuple[GuestMentor, str]:
    guest = await get_guest(session, principal, guest_id)
    token = _issue_token(guest)
    session.add(guest)
    await session.flush()
    await audit.record(session, principal, "guest_mentor.token_rotated", "guest_mentor", guest.id)
    return guest, token


async def revoke_token(
    session: AsyncSession, principal: Principal, guest_id: uuid.UUID
) -> GuestMentor:
    guest = await get_guest(session, principal, guest_id)
    guest.revoked_at = utcnow()
    session.add(guest)
    await session.flush()
    await audit.record(session, principal, "guest_mentor.token_revoked", "guest_mentor", guest.id)
    return guest


async def erase_guest(session: AsyncSession, principal: Principal, guest_id: uuid.UUID) -> None:
    """Forget a guest who withdrew consent: their identity, their words, their places.

    The row stays, anonymised, so threads, posts and registrations keep being counted.
    """
    guest = await get_guest(session, principal, guest_id)
    require_admin(principal, "erase a guest mentor's data")
    guest.name = ERASED
    guest.email = ERASED
    guest.partner_organization = ERASED
    guest.expertise = []
    guest.token_hash = None
    guest.revoked_at = guest.revoked_at or utcnow()
    session.add(guest)
    for thread in (
        await session.exec(
            select(DiscussionThread).where(DiscussionThread.author_guest_id == guest.id)
        )
    ).all():
        thread.title = ERASED
        thread.body = ERASED
        thread.tags = []
        session.add(thread)
    for post in (
        await session.exec(select(DiscussionPost).where(DiscussionPost.author_guest_id == guest.id))
    ).all():
        post.body = ERASED
        session.add(post)
    await registrations.release_guest(session, principal.organization_id, guest.id)
    await access.hold_circles(
        session, select(CircleMember.circle_id).where(CircleMember.guest_id == guest.id)
    )
    await session.exec(delete(CircleMember).where(col(CircleMember.guest_id) == guest.id))
    await session.exec(
        delete(WorkshopGuestInvitation).where(col(WorkshopGuestInvitation.guest_id) == guest.id)
    )
    await session.exec(delete(CalendarFeed).where(col(CalendarFeed.guest_id) == guest.id))
    await session.flush()
    await audit.record(session, principal, "guest_mentor.erased", "guest_mentor", guest.id)


async def invite(
    session: AsyncSession, principal: Principal, guest_id: uuid.UUID, data: GuestInvitation
) -> GuestInvitationRead:
    guest = await get_guest(session, principal, guest_id)
    if data.circle_id is not None:
        row = await session.exec(
            select(Circle, Program)
            .join(Program, Program.id == Circle.program_id)  # type: ignore[arg-type]
            .where(Circle.id == data.circle_id, Circle.organization_id == principal.organization_id)
        )
        found = row.first()
        if found is None:
            raise access.circle_not_found()
        circle, program = found
        program = await access.load_program(session, principal, program.id)
        access.require_run(principal, program)
        await circles.add_member(session, program, circle, guest_id=guest.id)
    else:
        assert data.workshop_id is not None
        workshop = await workshops.get_workshop(session, principal, data.workshop_id)
        await workshops.require_run(session, principal, workshop)
        try:
            async with session.begin_nested():
                session.add(
                    WorkshopGuestInvitation(
                        organization_id=principal.organization_id,
                        workshop_id=workshop.id,
                        guest_id=guest.id,
                    )
                )
                await session.flush()
        except IntegrityError as exc:
            raise Conflict("The guest is already invited.", code="already_invited") from exc
    return GuestInvitationRead(
        guest_id=guest.id, circle_id=data.circle_id, workshop_id=data.workshop_id
    )


async def guest_home(session: AsyncSession, principal: Principal) -> GuestHome:
    """A guest's own page: their record, their circles, their workshops (up to 200 each)."""
    if principal.guest_id is None:
        raise NotFound("Not found.", code="not_found")
    guest = await session.get(GuestMentor, principal.guest_id)
    if guest is None:
        raise NotFound("Not found.", code="not_found")
    mine = select(CircleMember.circle_id).where(CircleMember.guest_id == guest.id)
    found = list(
        (
            await session.exec(
                select(Circle).where(col(Circle.id).in_(mine)).order_by(col(Circle.id)).limit(200)
            )
        ).all()
    )
    counts = await circles.member_counts(session, [c.id for c in found])
    page = await workshops.list_workshops(
        session, principal, program_id=None, limit=pagination.MAX_LIMIT, cursor=None
    )
    tallies = await workshops.counts(session, [w.id for w in page.items])
    return GuestHome(
        guest=to_read(guest),
        circles=[circles.to_read(c, counts.get(c.id, 0)) for c in found],
        workshops=[workshops.to_read(w, tallies[w.id]) for w in page.items],
    )


async def authenticate_guest(session: AsyncSession, token: str) -> Principal:
    guest = (
        await session.exec(select(GuestMentor).where(GuestMentor.token_hash == hash_token(token)))
    ).first()
    if guest is None or guest.revoked_at is not None:
        raise Unauthorized(
            "The invitation token is unknown or revoked.", code="invalid_guest_token"
        )
    return Principal(
        organization_id=guest.organization_id,
        kind="user",
        role=Role.EMPLOYEE,
        guest_id=guest.id,
        label=f"guest:{guest.id}",
    )
