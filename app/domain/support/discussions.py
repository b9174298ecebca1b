"""Discussions inside a circle: threads, posts and replies, helpful answers, anonymity.

Anonymous threads and posts keep their author (so the author can still mark a helpful
reply, and erasure finds their words) but show it to administrators only.
"""

import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.json_arrays import array_contains
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.errors import Forbidden, Invalid, NotFound, field_error
from app.domain.programs.models import _normalise_tags
from app.domain.support import access
from app.domain.support.models import Circle, DiscussionPost, DiscussionThread, ThreadKind
from app.domain.support.schemas import PersonRef, PostCreate, PostRead, ThreadCreate, ThreadRead


def _author(
    principal: Principal, employee_id: uuid.UUID | None, guest_id: uuid.UUID | None, anonymous: bool
) -> PersonRef | None:
    if employee_id is None and guest_id is None:
        return None
    if anonymous and not principal.is_admin:
        return None
    return PersonRef(employee_id=employee_id, guest_id=guest_id)


def _mine(principal: Principal, employee_id: uuid.UUID | None, guest_id: uuid.UUID | None) -> bool:
    if principal.guest_id is not None:
        return guest_id == principal.guest_id
    return principal.employee_id is not None and employee_id == principal.employee_id


def thread_read(principal: Principal, thread: DiscussionThread) -> ThreadRead:
    return ThreadRead(
        id=thread.id,
        circle_id=thread.circle_id,
        kind=thread.kind,
        title=thread.title,
        body=thread.body,
        tags=thread.tags,
        anonymous=thread.anonymous,
        author=_author(
            principal, thread.author_employee_id, thread.author_guest_id, thread.anonymous
        ),
        mine=_mine(principal, thread.author_employee_id, thread.author_guest_id),
        created_at=thread.created_at,
    )


def post_read(principal: Principal, post: DiscussionPost) -> PostRead:
    return PostRead(
        id=post.id,
        thread_id=post.thread_id,
        reply_to_id=post.reply_to_id,
        body=post.body,
        anonymous=post.anonymous,
        author=_author(principal, post.author_employee_id, post.author_guest_id, post.anonymous),
        mine=_mine(principal, post.author_employee_id, post.author_guest_id),
        helpful=post.helpful,
        created_at=post.created_at,
    )


async def _audit_outsider(
    session: AsyncSession, principal: Principal, circle: Circle, member: object | None
) -> None:
    """A manager or administrator reading a circle's discussions they are not part of."""
    if member is None:
        await audit.record(session, principal, "circle_discussion.read", "circle", circle.id)


async def _writable_circle(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, circle_id: uuid.UUID
) -> Circle:
    program, circle, member = await access.visible_circle(session, principal, program_id, circle_id)
    if member is None and not access.runs(principal, program):
        raise Forbidden("Only the circle's members and managers write here.", code="not_member")
    if principal.employee_id is None and principal.guest_id is None:
        raise Forbidden("Discussions are written by people, not API keys.", code="not_a_person")
    return circle


async def start_thread(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    data: ThreadCreate,
) -> DiscussionThread:
    circle = await _writable_circle(session, principal, program_id, circle_id)
    thread = DiscussionThread(
        organization_id=circle.organization_id,
        circle_id=circle.id,
        kind=data.kind,
        title=data.title,
        body=data.body,
        tags=data.tags,
        anonymous=data.anonymous,
        author_employee_id=principal.employee_id,
        author_guest_id=principal.guest_id,
    )
    session.add(thread)
    await session.flush()
    return thread


async def list_threads(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    *,
    kind: ThreadKind | None,
    tag: str | None = None,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[DiscussionThread]:
    _program, circle, member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    await _audit_outsider(session, principal, circle, member)
    statement = select(DiscussionThread).where(DiscussionThread.circle_id == circle.id)
    if kind is not None:
        statement = statement.where(DiscussionThread.kind == kind.value)
    if tag is not None:
        try:
            normalised = _normalise_tags([tag]) or []
        except ValueError as exc:
            raise Invalid(
                "Not a tag.", errors=[field_error("tag", str(exc), "invalid", "query")]
            ) from exc
        statement = statement.where(array_contains(session, DiscussionThread.tags, normalised[0]))
    return await pagination.paginate(
        session, statement, keys=[DiscussionThread.id], limit=limit, cursor=cursor
    )


async def _thread(session: AsyncSession, circle: Circle, thread_id: uuid.UUID) -> DiscussionThread:
    thread = (
        await session.exec(
            select(DiscussionThread).where(
                DiscussionThread.id == thread_id, DiscussionThread.circle_id == circle.id
            )
        )
    ).first()
    if thread is None:
        raise NotFound("Thread not found.", code="thread_not_found")
    return thread


async def get_thread(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
) -> DiscussionThread:
    _program, circle, member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    await _audit_outsider(session, principal, circle, member)
    return thread


async def add_post(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    data: PostCreate,
) -> DiscussionPost:
    circle = await _writable_circle(session, principal, program_id, circle_id)
    thread = await _thread(session, circle, thread_id)
    if data.reply_to_id is not None:
        parent = (
            await session.exec(
                select(DiscussionPost.id).where(
                    DiscussionPost.id == data.reply_to_id, DiscussionPost.thread_id == thread.id
                )
            )
        ).first()
        if parent is None:
            raise Invalid(
                "A reply answers a post of the same thread.",
                errors=[field_error("reply_to_id", "no such post in this thread", "not_found")],
            )
    post = DiscussionPost(
        organization_id=thread.organization_id,
        thread_id=thread.id,
        reply_to_id=data.reply_to_id,
        body=data.body,
        anonymous=data.anonymous,
        author_employee_id=principal.employee_id,
        author_guest_id=principal.guest_id,
    )
    session.add(post)
    await session.flush()
    return post


async def list_posts(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[DiscussionPost]:
    thread = await get_thread(session, principal, program_id, circle_id, thread_id)
    statement = select(DiscussionPost).where(DiscussionPost.thread_id == thread.id)
    return await pagination.paginate(
        session, statement, keys=[DiscussionPost.id], limit=limit, cursor=cursor
    )


async def mark_helpful(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    helpful: bool,
) -> DiscussionPost:
    """The thread's author, the circle's facilitator or a manager marks a reply helpful."""
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    post = (
        await session.exec(
            select(DiscussionPost).where(
                DiscussionPost.id == post_id, DiscussionPost.thread_id == thread.id
            )
        )
    ).first()
    if post is None:
        raise NotFound("Post not found.", code="post_not_found")
    author = (
        principal.employee_id is not None and principal.employee_id == thread.author_employee_id
    ) or (principal.guest_id is not None and principal.guest_id == thread.author_guest_id)
    if not (author or access.leads(principal, program, circle)):
        raise Forbidden(
            "The thread's author or the circle's facilitator marks helpful replies.",
            code="not_thread_author",
        )
    post.helpful = helpful
    post.marked_helpful_by = principal.actor if helpful else None
    session.add(post)
    await session.flush()
    return post
