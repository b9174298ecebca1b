"""REST adapter of mentor circles: circles, members and their discussions."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import DbSession, IfMatch, Paging, set_etag
from app.api.problems import common_responses, responses
from app.api.rest import API_PREFIX
from app.api.schemas import Page
from app.api.support_deps import SupportPrincipal
from app.domain.schemas import TopicTag
from app.domain.support import circle_forming, circles, discussions
from app.domain.support.models import ThreadKind
from app.domain.support.schemas import (
    CircleAutoForm,
    CircleCreate,
    CircleJoin,
    CircleMemberRead,
    CircleRead,
    CircleUpdate,
    HelpfulMark,
    JoiningConfidence,
    PostCreate,
    PostRead,
    PostUpdate,
    ThreadCreate,
    ThreadRead,
    ThreadUpdate,
)

CIRCLES = f"{API_PREFIX}/programs/{{program_id}}/circles"
CIRCLE = f"{CIRCLES}/{{circle_id}}"
THREAD = f"{CIRCLE}/threads/{{thread_id}}"
GUEST_NOTE = " Guest mentors use their invitation token (`mg_...`)."

router = APIRouter(tags=["circles"], responses=common_responses())


@router.post(
    CIRCLES,
    status_code=status.HTTP_201_CREATED,
    summary="Create a mentor circle",
    description="The program's managers; members must be approved mentors of the program.",
    responses=responses(
        404,
        409,
        codes={403: ("not_program_manager",), 404: ("program_not_found",), 409: ("invalid",)},
    ),
)
async def create_circle(
    program_id: uuid.UUID, body: CircleCreate, db: DbSession, principal: SupportPrincipal
) -> CircleRead:
    circle = await circles.create_circle(db, principal, program_id, body)
    return await circles.read(db, circle)


@router.get(
    CIRCLES,
    summary="List circles",
    description="Managers see every circle of the program; members their own." + GUEST_NOTE,
    responses=responses(404, codes={401: ("invalid_guest_token",), 404: ("program_not_found",)}),
)
async def list_circles(
    program_id: uuid.UUID, db: DbSession, principal: SupportPrincipal, paging: Paging
) -> Page[CircleRead]:
    page = await circles.list_circles(
        db, principal, program_id, limit=paging.limit, cursor=paging.cursor
    )
    counts = await circles.member_counts(db, [c.id for c in page.items])
    return Page(
        items=[circles.to_read(c, counts.get(c.id, 0)) for c in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    f"{CIRCLES}/auto-form",
    status_code=status.HTTP_201_CREATED,
    summary="Form circles automatically",
    description=(
        "Puts every approved mentor who is in no circle yet into new circles of about "
        "`target_size`, mixing experience levels (seniority) and spreading departments. "
        "Deterministic: the same mentors give the same circles. The most experienced member "
        "facilitates."
    ),
    responses=responses(
        404, 409, codes={403: ("not_program_manager",), 404: ("program_not_found",)}
    ),
)
async def auto_form(
    program_id: uuid.UUID, body: CircleAutoForm, db: DbSession, principal: SupportPrincipal
) -> list[CircleRead]:
    formed = await circle_forming.auto_form(db, principal, program_id, body)
    counts = await circles.member_counts(db, [c.id for c in formed])
    return [circles.to_read(c, counts.get(c.id, 0)) for c in formed]


@router.get(
    CIRCLE,
    summary="Get a circle",
    description="Members and managers." + GUEST_NOTE,
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
async def get_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    response: Response,
) -> CircleRead:
    circle = await circles.get_circle(db, principal, program_id, circle_id)
    set_etag(response, circle.version)
    return await circles.read(db, circle)


@router.patch(
    CIRCLE,
    summary="Rename a circle or change its facilitator",
    description="The program's managers, with `If-Match`.",
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_program_manager",),
            404: ("circle_not_found", "program_not_found"),
            409: ("invalid",),
        },
    ),
)
async def update_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: CircleUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> CircleRead:
    circle = await circles.update_circle(db, principal, program_id, circle_id, body, if_match)
    set_etag(response, circle.version)
    return await circles.read(db, circle)


@router.get(
    f"{CIRCLE}/members",
    summary="List a circle's members",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
async def list_members(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
) -> Page[CircleMemberRead]:
    page = await circles.list_members(
        db, principal, program_id, circle_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(items=[circles.member_read(m) for m in page.items], next_cursor=page.next_cursor)


@router.post(
    f"{CIRCLE}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Join a circle",
    description=(
        "An approved mentor of the program joins (with their confidence, 1-5, if they like); "
        "a manager adds a mentor with `employee_id`. Guests are invited instead."
    ),
    responses=responses(
        404,
        409,
        codes={
            403: ("not_program_manager",),
            404: ("circle_not_found", "program_not_found"),
            409: ("already_member",),
        },
    ),
)
async def join_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: CircleJoin,
    db: DbSession,
    principal: SupportPrincipal,
) -> CircleMemberRead:
    member = await circles.join_circle(db, principal, program_id, circle_id, body)
    return circles.member_read(member)


@router.put(
    f"{CIRCLE}/members/{{member_id}}/joining-confidence",
    summary="Record your confidence on joining",
    description="Once, by the member, when a manager added them without it (1-5).",
    responses=responses(
        404,
        409,
        codes={
            403: ("not_member",),
            404: ("circle_not_found", "program_not_found"),
            409: ("already_recorded",),
        },
    ),
)
async def record_joining_confidence(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    member_id: uuid.UUID,
    body: JoiningConfidence,
    db: DbSession,
    principal: SupportPrincipal,
) -> CircleMemberRead:
    member = await circles.record_joining_confidence(
        db, principal, program_id, circle_id, member_id, body.confidence
    )
    return circles.member_read(member)


@router.delete(
    f"{CIRCLE}/members/{{member_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Leave a circle",
    description="A member leaves; a manager removes anyone.",
    responses=responses(
        404, codes={403: ("not_program_manager",), 404: ("circle_not_found", "program_not_found")}
    ),
)
async def leave_circle(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    member_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
) -> Response:
    await circles.leave_circle(db, principal, program_id, circle_id, member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- discussions ---------------------------------------------------------------------------


@router.post(
    f"{CIRCLE}/threads",
    status_code=status.HTTP_201_CREATED,
    summary="Start a discussion thread",
    description=(
        "Members and managers. With `anonymous`, members do not see the author; administrators do."
    ),
    responses=responses(
        404, codes={403: ("not_member",), 404: ("circle_not_found", "program_not_found")}
    ),
)
async def start_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    body: ThreadCreate,
    db: DbSession,
    principal: SupportPrincipal,
) -> ThreadRead:
    thread = await discussions.start_thread(db, principal, program_id, circle_id, body)
    return discussions.thread_read(principal, thread)


@router.get(
    f"{CIRCLE}/threads",
    summary="List discussion threads",
    responses=responses(
        404, codes={401: ("invalid_guest_token",), 404: ("circle_not_found", "program_not_found")}
    ),
)
async def list_threads(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
    kind: ThreadKind | None = None,
    tag: Annotated[TopicTag | None, Query(description="Threads with this tag.")] = None,
) -> Page[ThreadRead]:
    page = await discussions.list_threads(
        db,
        principal,
        program_id,
        circle_id,
        kind=kind,
        tag=tag,
        limit=paging.limit,
        cursor=paging.cursor,
    )
    return Page(
        items=[discussions.thread_read(principal, t) for t in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    THREAD,
    summary="Get a discussion thread",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
async def get_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    response: Response,
) -> ThreadRead:
    thread = await discussions.get_thread(db, principal, program_id, circle_id, thread_id)
    set_etag(response, thread.version)
    return discussions.thread_read(principal, thread)


@router.patch(
    THREAD,
    summary="Edit a discussion thread",
    description="Its author only (anonymous threads too), with `If-Match`." + GUEST_NOTE,
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_author",),
            404: ("circle_not_found", "program_not_found"),
        },
    ),
)
async def edit_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    body: ThreadUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> ThreadRead:
    thread = await discussions.edit_thread(
        db, principal, program_id, circle_id, thread_id, body, if_match
    )
    set_etag(response, thread.version)
    return discussions.thread_read(principal, thread)


@router.delete(
    THREAD,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a discussion thread",
    description=(
        "Its author, the circle's facilitator, the program's managers and administrators. "
        "Soft delete: the thread stays, listed as deleted without its title and body; its "
        "posts stay. `If-Match` is optional."
    ),
    responses=responses(
        404,
        412,
        codes={403: ("not_author_or_moderator",), 404: ("circle_not_found", "program_not_found")},
    ),
)
async def delete_thread(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
) -> Response:
    await discussions.delete_thread(db, principal, program_id, circle_id, thread_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    f"{THREAD}/posts",
    status_code=status.HTTP_201_CREATED,
    summary="Post in a thread",
    description="`reply_to_id` answers another post of the thread.",
    responses=responses(
        404,
        codes={
            403: ("not_member",),
            404: ("circle_not_found", "program_not_found"),
            409: ("thread_deleted",),
        },
    ),
)
async def add_post(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    body: PostCreate,
    db: DbSession,
    principal: SupportPrincipal,
) -> PostRead:
    post = await discussions.add_post(db, principal, program_id, circle_id, thread_id, body)
    return discussions.post_read(principal, post)


@router.get(
    f"{THREAD}/posts",
    summary="List a thread's posts",
    responses=responses(404, codes={404: ("circle_not_found", "program_not_found")}),
)
async def list_posts(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    paging: Paging,
) -> Page[PostRead]:
    page = await discussions.list_posts(
        db, principal, program_id, circle_id, thread_id, limit=paging.limit, cursor=paging.cursor
    )
    return Page(
        items=[discussions.post_read(principal, p) for p in page.items],
        next_cursor=page.next_cursor,
    )


@router.patch(
    f"{THREAD}/posts/{{post_id}}",
    summary="Edit a post",
    description=(
        "Its author only (anonymous posts too), with `If-Match` (the post's `version`)."
        + GUEST_NOTE
    ),
    responses=responses(
        404,
        409,
        412,
        428,
        codes={
            403: ("not_author",),
            404: ("circle_not_found", "program_not_found"),
            409: ("post_deleted",),
        },
    ),
)
async def edit_post(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    body: PostUpdate,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
    response: Response,
) -> PostRead:
    post = await discussions.edit_post(
        db, principal, program_id, circle_id, thread_id, post_id, body, if_match
    )
    set_etag(response, post.version)
    return discussions.post_read(principal, post)


@router.delete(
    f"{THREAD}/posts/{{post_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a post",
    description=(
        "Its author, the circle's facilitator, the program's managers and administrators. "
        "Soft delete: the post stays in the thread, listed as deleted without its body. "
        "`If-Match` is optional."
    ),
    responses=responses(
        404,
        412,
        codes={
            403: ("not_author_or_moderator",),
            404: ("circle_not_found", "program_not_found"),
        },
    ),
)
async def delete_post(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    db: DbSession,
    principal: SupportPrincipal,
    if_match: IfMatch,
) -> Response:
    await discussions.delete_post(
        db, principal, program_id, circle_id, thread_id, post_id, if_match
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    f"{THREAD}/posts/{{post_id}}/helpful",
    summary="Mark a reply helpful (or not)",
    description="The thread's author, the circle's facilitator or a manager.",
    responses=responses(
        404, codes={403: ("not_thread_author",), 404: ("circle_not_found", "program_not_found")}
    ),
)
async def mark_helpful(
    program_id: uuid.UUID,
    circle_id: uuid.UUID,
    thread_id: uuid.UUID,
    post_id: uuid.UUID,
    body: HelpfulMark,
    db: DbSession,
    principal: SupportPrincipal,
) -> PostRead:
    post = await discussions.mark_helpful(
        db, principal, program_id, circle_id, thread_id, post_id, body.helpful
    )
    return discussions.post_read(principal, post)
