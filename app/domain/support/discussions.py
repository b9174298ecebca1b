"""Discussions inside a circle: threads, posts and replies, helpful answers, anonymity.

Anonymous threads and posts keep their author (so the author can still mark a helpful
reply, and erasure finds their words) but show it to administrators only.
"""

import uuid
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.db.json_arrays import array_contains
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.audit import service as audit
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ValidationFailed,
    field_error,
)
from app.domain.programs.models import Program, _normalise_tags
from app.domain.support import access
from app.domain.support.models import Circle, DiscussionPost, DiscussionThread, ThreadKind
from app.domain.support.schemas import (
    PersonRef,
    PostCreate,
    PostRead,
    PostUpdate,
    ThreadCreate,
    ThreadRead,
    ThreadUpdate,
)


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
        title=None if thread.deleted_at else thread.title,
        body=None if thread.deleted_at else thread.body,
        tags=thread.tags,
        anonymous=thread.anonymous,
        author=_author(
            principal, thread.author_employee_id, thread.author_guest_id, thread.anonymous
        ),
        mine=_mine(principal, thread.author_employee_id, thread.author_guest_id),
        created_at=thread.created_at,
        edited_at=thread.edited_at,
        deleted=thread.deleted_at is not None,
        version=thread.version,
    )


def post_read(principal: Principal, post: DiscussionPost) -> PostRead:
    return PostRead(
        id=post.id,
        thread_id=post.thread_id,
        reply_to_id=post.reply_to_id,
        body=None if post.deleted_at else post.body,
        anonymous=post.anonymous,
        author=_author(principal, post.author_employee_id, post.author_guest_id, post.anonymous),
        mine=_mine(principal, post.author_employee_id, post.author_guest_id),
        helpful=post.helpful,
        created_at=post.created_at,
        edited_at=post.edited_at,
        deleted=post.deleted_at is not None,
        version=post.version,
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
            raise ValidationFailed(
                "Not a tag.", errors=[field_error("tag", str(exc), "pattern", "query")]
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


async def _post(
    session: AsyncSession, thread: DiscussionThread, post_id: uuid.UUID
) -> DiscussionPost:
    post = (
        await session.exec(
            select(DiscussionPost).where(
                DiscussionPost.id == post_id, DiscussionPost.thread_id == thread.id
            )
        )
    ).first()
    if post is None:
        raise NotFound("Post not found.", code="post_not_found")
    return post


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
    if thread.deleted_at is not None:
        raise Conflict("The thread was deleted; it takes no new posts.", code="thread_deleted")
    if data.reply_to_id is not None:
        parent = (
            await session.exec(
                select(DiscussionPost.id).where(
                    DiscussionPost.id == data.reply_to_id, DiscussionPost.thread_id == thread.id
                )
            )
        ).first()
        if parent is None:
            raise NotFound(
                "A reply answers a post of the same thread.",
                code="post_not_found",
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
    post = await _post(session, thread, post_id)
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
    await flush_versioned(session, "post")
    return post


# --- editing and deleting ------------------------------------------------------------------
#
# Only the author edits their words (anonymous or not: the service knows who wrote them).
# The author, the circle's facilitator, the program's managers and administrators delete:
# deletion is soft, so replies, counts and the thread's shape hold, but the words are gone.


def _require_author(
    principal: Principal, employee_id: uuid.UUID | None, guest_id: uuid.UUID | None, what: str
) -> None:
    if not _mine(principal, employee_id, guest_id):
        raise Forbidden(f"Only its author edits a {what}.", code="not_author")


def _require_author_or_moderator(
    principal: Principal,
    program: Program,
    circle: Circle,
    employee_id: uuid.UUID | None,
    guest_id: uuid.UUID | None,
    what: str,
) -> bool:
    """Whether the caller deletes as a moderator rather than as the author."""
    if _mine(principal, employee_id, guest_id):
        return False
    if access.leads(principal, program, circle):
        return True
    raise Forbidden(
        f"Only its author, the circle's facilitator or a manager deletes a {what}.",
        code="not_author_or_moderator",
    )


async def _soft_delete(
    session: AsyncSession,
    principal: Principal,
    item: DiscussionThread | DiscussionPost,
    what: str,
    expected_version: int | None,
    moderating: bool,
    **blanked: Any,
) -> None:
    """Blank the words, mark who deleted when; a moderator's removal is audited. Twice is once."""
    if item.deleted_at is not None:
        return
    if expected_version is not None:
        check_version(item.version, expected_version, what)
    for name, value in blanked.items():
        setattr(item, name, value)
    item.deleted_at = utcnow()
    item.deleted_by = principal.actor
    session.add(item)
    await flush_versioned(session, what)
    if moderating:
        await audit.record(session, principal, f"circle_{what}.removed", f"circle_{what}", item.id)


async def edit_thread(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    data: ThreadUpdate,
    expected_version: int | None,
) -> DiscussionThread:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    _require_author(principal, thread.author_employee_id, thread.author_guest_id, "thread")
    if thread.deleted_at is not None:
        raise Conflict("The thread was deleted.", code="thread_deleted")
    check_version(thread.version, expected_version, "thread")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    cleared = sorted(n for n in ("title", "body") if n in changes and changes[n] is None)
    if cleared:
        raise Invalid(
            "A thread keeps its title and body.",
            errors=[field_error(n, "cannot be null", "required") for n in cleared],
        )
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    touched = False
    for name, value in changes.items():
        if getattr(thread, name) != value:
            setattr(thread, name, value)
            touched = True
    if touched:
        thread.edited_at = utcnow()
        session.add(thread)
        await flush_versioned(session, "thread")
    return thread


async def delete_thread(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    expected_version: int | None,
) -> None:
    """Soft-delete a thread: its posts stay, its title, body and tags go."""
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    moderating = _require_author_or_moderator(
        principal, program, circle, thread.author_employee_id, thread.author_guest_id, "thread"
    )
    await _soft_delete(
        session,
        principal,
        thread,
        "thread",
        expected_version,
        moderating,
        title="",
        body="",
        tags=[],
    )


async def edit_post(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    data: PostUpdate,
    expected_version: int | None,
) -> DiscussionPost:
    _program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    post = await _post(session, thread, post_id)
    _require_author(principal, post.author_employee_id, post.author_guest_id, "post")
    if post.deleted_at is not None:
        raise Conflict("The post was deleted.", code="post_deleted")
    check_version(post.version, expected_version, "post")
    if post.body != data.body:
        post.body = data.body
        post.edited_at = utcnow()
        session.add(post)
        await flush_versioned(session, "post")
    return post


async def delete_post(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    expected_version: int | None,
) -> None:
    """Soft-delete a post: it stays in the thread, without its words."""
    program, circle, _member = await access.visible_circle(
        session, principal, program_id, circle_id
    )
    thread = await _thread(session, circle, thread_id)
    post = await _post(session, thread, post_id)
    moderating = _require_author_or_moderator(
        principal, program, circle, post.author_employee_id, post.author_guest_id, "post"
    )
    await _soft_delete(session, principal, post, "post", expected_version, moderating, body="")
