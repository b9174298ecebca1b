"""Use cases of engagement: a person's agenda, and the periodic evaluation of every rule.

The evaluation finds every item due in every organisation (one statement or two per
kind), sends one ``nudge.due`` per item, recipient and stage (the unique key of
``engagement_nudges`` makes that hold across workers and runs), and pauses or ends the
pairs inactive past their program's delay. ``now`` is a parameter so tests move the clock.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import new_id, utcnow
from app.db.conflicts import insert_new
from app.db.engine import unit_of_work
from app.domain.access.principal import Principal
from app.domain.engagement.models import AgendaItem, Due, EngagementNudge
from app.domain.engagement.pair_rules import last_held, pair_started
from app.domain.engagement.rules import Scope, setting
from app.domain.engagement.sources import due_items
from app.domain.events.service import record_event
from app.domain.pairs import service as pairs
from app.domain.pairs.models import Pair, PairStatus
from app.domain.programs.engagement_settings import InactivityAction
from app.domain.programs.models import Program

NUDGE = "nudge.due"
NUDGES: Any = EngagementNudge.__table__  # type: ignore[attr-defined]
# Rows per INSERT of nudges: well under both databases' limits on bound parameters.
NUDGE_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What one evaluation found and did."""

    items: int
    nudges: int
    paused: int
    ended: int


async def agenda_for(
    session: AsyncSession, principal: Principal, now: datetime | None = None
) -> list[AgendaItem]:
    """The caller's open items, soonest first; a machine client has none."""
    if principal.employee_id is None and principal.guest_id is None:
        return []
    scope = Scope(
        now=now or utcnow(),
        organization_id=principal.organization_id,
        employee_id=principal.employee_id,
        guest_id=principal.guest_id,
    )
    return [due.item for due in await due_items(session, scope)]


def nudge_key(due: Due) -> str:
    return f"{due.item.key}:{due.item.stage.value}"


def nudge_data(due: Due) -> dict[str, object]:
    """The ``nudge.due`` event's data: what a channel (e-mail, chat) needs to say it."""
    item = due.item
    return {
        "key": nudge_key(due),
        "kind": item.kind.value,
        "stage": item.stage.value,
        "recipient_employee_id": str(due.recipient.employee_id),
        "program_id": str(item.program_id) if item.program_id is not None else None,
        "subject": {"type": item.subject.type.value, "id": str(item.subject.id)},
        "due_at": item.due_at.isoformat(),
        "reason": item.reason,
        "action": {"method": item.action.method, "path": item.action.path},
    }


async def send_nudges(session: AsyncSession, found: list[Due], now: datetime) -> int:
    """One ``nudge.due`` per item, employee and stage never nudged before; how many."""
    wanted = {
        (due.organization_id, nudge_key(due)): due
        for due in found
        if due.recipient.employee_id is not None
    }
    if not wanted:
        return 0
    rows = [
        {
            "id": new_id(),
            "organization_id": org,
            "key": key,
            "recipient_employee_id": due.recipient.employee_id,
            "kind": due.item.kind.value,
            "stage": due.item.stage.value,
            "sent_at": now,
        }
        for (org, key), due in wanted.items()
    ]
    statement = insert_new(session, NUDGES, "organization_id", "key")
    statement = statement.returning(NUDGES.c.organization_id, NUDGES.c.key)
    sent = 0
    for start in range(0, len(rows), NUDGE_BATCH):
        result = await session.exec(statement, params=rows[start : start + NUDGE_BATCH])
        for org, key in result.all():
            due = wanted[(org, key)]
            await record_event(
                session,
                organization_id=org,
                type=NUDGE,
                subject_type=due.item.subject.type.value,
                subject_id=due.item.subject.id,
                data=nudge_data(due),
            )
            sent += 1
    return sent


async def act_on_inactivity(session: AsyncSession, scope: Scope) -> tuple[int, int]:
    """Pause or end the pairs inactive past their program's delay: (paused, ended)."""
    last = last_held(scope)
    quiet_since = func.coalesce(last.c.last_at, pair_started())
    rows = await session.exec(
        select(Pair.organization_id, Pair.id, setting("inactive_action"))
        .join(Program, col(Program.id) == Pair.program_id)
        .outerjoin(last, last.c.pair_id == Pair.id)
        .where(
            *scope.tenant(Pair.organization_id),
            col(Pair.status) == PairStatus.ACTIVE,
            scope.elapsed(quiet_since) >= setting("inactive_action_days"),
        )
    )
    todo: dict[tuple[uuid.UUID, bool], list[uuid.UUID]] = defaultdict(list)
    for org, pair_id, action in rows.all():
        todo[(org, action == InactivityAction.END)].append(pair_id)
    paused = ended = 0
    for (org, end), ids in todo.items():
        moved = await pairs.act_on_inactive_pairs(session, org, ids, end=end)
        if end:
            ended += len(moved)
        else:
            paused += len(moved)
    return paused, ended


async def evaluate(
    session: AsyncSession, now: datetime | None = None, organization_id: uuid.UUID | None = None
) -> Evaluation:
    """Every rule over every organisation (or one): nudges sent, pairs paused or ended."""
    scope = Scope(now=now or utcnow(), organization_id=organization_id)
    paused, ended = await act_on_inactivity(session, scope)
    found = await due_items(session, scope)
    nudges = await send_nudges(session, found, scope.now)
    return Evaluation(items=len(found), nudges=nudges, paused=paused, ended=ended)


async def run_engagement(
    factory: async_sessionmaker[AsyncSession],
    now: datetime | None = None,
    organization_id: uuid.UUID | None = None,
) -> Evaluation:
    """One evaluation in a transaction of its own (the worker's and the CLI's entry)."""
    async with unit_of_work(factory) as session:
        return await evaluate(session, now, organization_id)
