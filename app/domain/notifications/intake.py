"""The e-mail step's intake: new ``nudge.due`` events from the outbox, one row each.

Events are read from a little before the cursor (transactions commit out of order); the
unique event id of :class:`NudgeMail` drops those already taken, by this worker or another.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, exists
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import new_id
from app.db.locking import insert_missing
from app.domain.events.models import OutboxEvent
from app.domain.notifications.delivery import MailPolicy
from app.domain.notifications.models import NotificationCursor, NudgeMail, NudgeMailStatus

NUDGE_DUE = "nudge.due"
NUDGE_MAILS: Table = NudgeMail.__table__  # type: ignore[attr-defined]
CURSOR = "nudge_mail"


def _id_floor(moment: datetime) -> uuid.UUID:
    """The smallest UUIDv7 of ``moment``'s millisecond: ids are time-ordered, so a range of
    the primary key is a range of time."""
    return uuid.UUID(int=int(moment.timestamp() * 1000) << 80)


def _mail_row(event: OutboxEvent, now: datetime, max_age: timedelta) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    row: dict[str, Any] = {
        "id": new_id(),
        "organization_id": event.organization_id,
        "event_id": event.id,
        "employee_id": None,
        "key": str(data.get("key", event.id))[:300],
        "kind": str(data.get("kind", ""))[:60],
        "stage": str(data.get("stage", "due"))[:20],
        "status": NudgeMailStatus.PENDING.value,
        "skip_reason": None,
        "received_at": now,
        "not_before": None,
        "attempts": 0,
        "digest_id": None,
        "sent_at": None,
    }
    try:
        row["employee_id"] = uuid.UUID(str(data["recipient_employee_id"]))
    except (KeyError, ValueError):
        row |= {"status": NudgeMailStatus.SKIPPED.value, "skip_reason": "no_recipient"}
    if event.occurred_at < now - max_age:
        row |= {"status": NudgeMailStatus.SKIPPED.value, "skip_reason": "too_old"}
    return row


async def take_in(session: AsyncSession, policy: MailPolicy, now: datetime) -> int:
    """Add a row for each new event (a batch of them); how many events were read."""
    cursor = await session.get(NotificationCursor, CURSOR)
    floor = now - policy.max_age - policy.overlap
    if cursor is not None:
        floor = max(floor, cursor.position - policy.overlap)
    taken_already = exists().where(col(NudgeMail.event_id) == col(OutboxEvent.id))
    events = (
        await session.exec(
            select(OutboxEvent)
            .where(
                col(OutboxEvent.id) >= _id_floor(floor),
                OutboxEvent.type == NUDGE_DUE,
                ~taken_already,
            )
            .order_by(col(OutboxEvent.id))
            .limit(policy.batch_size)
        )
    ).all()
    rows = [_mail_row(event, now, policy.max_age) for event in events]
    await insert_missing(session, NUDGE_MAILS, rows, ["event_id"])
    if events:
        latest: datetime | None = max(event.occurred_at for event in events)
    else:  # no nudge lately: move past the other events, so the next scan stays short
        latest = (
            await session.exec(
                select(OutboxEvent.occurred_at)
                .where(col(OutboxEvent.id) >= _id_floor(floor))
                .order_by(col(OutboxEvent.id).desc())
                .limit(1)
            )
        ).first()
    if latest is not None:
        if cursor is None:
            session.add(NotificationCursor(name=CURSOR, position=latest))
        elif latest > cursor.position:
            cursor.position = latest
    return len(events)
