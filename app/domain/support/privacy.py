"""A person's part in the support network: export and erasure.

Erasure blanks the words they wrote (threads, posts, feedback) and drops their circle
memberships' confidence; the rows stay so counts (posts, registrations, ratings) hold.
"""

import uuid
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.support.models import (
    CircleMember,
    DiscussionPost,
    DiscussionThread,
    MeetingAttendance,
    WorkshopRegistration,
)

ERASED = "[erased]"


# What each table says about a person: (table, the column naming them).
_OWNED: dict[str, tuple[Any, str]] = {
    "circle_memberships": (CircleMember, "employee_id"),
    "discussion_threads": (DiscussionThread, "author_employee_id"),
    "discussion_posts": (DiscussionPost, "author_employee_id"),
    "circle_meeting_answers": (MeetingAttendance, "employee_id"),
    "workshop_registrations": (WorkshopRegistration, "employee_id"),
}


async def _rows(
    session: AsyncSession, what: str, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[Any]:
    model, column = _OWNED[what]
    statement = select(model).where(
        model.organization_id == organization_id, getattr(model, column) == employee_id
    )
    return list((await session.exec(statement.order_by(col(model.id)))).all())


async def export(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> dict[str, Any]:
    return {
        what: [
            row.model_dump(mode="json", warnings=False)
            for row in await _rows(session, what, organization_id, employee_id)
        ]
        for what in _OWNED
    }


async def erase(session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID) -> None:
    for thread in await _rows(session, "discussion_threads", organization_id, employee_id):
        thread.title = ERASED
        thread.body = ERASED
        thread.tags = []
    for post in await _rows(session, "discussion_posts", organization_id, employee_id):
        post.body = ERASED
    for registration in await _rows(
        session, "workshop_registrations", organization_id, employee_id
    ):
        if registration.feedback is not None:
            registration.feedback = ERASED
    await session.flush()
