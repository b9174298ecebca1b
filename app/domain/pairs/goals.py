"""Use cases of pair goals: what a pair wants to achieve, linked to a program objective or not.

The pair's own people write their goals; managers and administrators read them.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.principal import Principal
from app.domain.concurrency import check_version, flush_versioned
from app.domain.errors import Conflict, Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.pairs import access
from app.domain.pairs.models import OPEN_STATUSES, Pair, PairGoal
from app.domain.pairs.schemas import GOAL_REQUIRED_ON_UPDATE, GoalCreate, GoalRead, GoalUpdate
from app.domain.pairs.service import audit_read, load_pair
from app.domain.programs.models import Objective

MAX_GOALS = 20


def to_read(goal: PairGoal) -> GoalRead:
    return GoalRead.model_validate(goal)


async def _check_objective(
    session: AsyncSession, pair: Pair, objective_id: uuid.UUID | None
) -> None:
    if objective_id is None:
        return
    found = (
        await session.exec(
            select(Objective.id).where(
                Objective.id == objective_id,
                Objective.program_id == pair.program_id,
                Objective.organization_id == pair.organization_id,
            )
        )
    ).first()
    if found is None:
        raise Invalid(
            "The objective is not one of the pair's program.",
            errors=[field_error("objective_id", "not an objective of this program", "not_found")],
        )


async def _writable_pair(session: AsyncSession, principal: Principal, pair_id: uuid.UUID) -> Pair:
    seen = await load_pair(session, principal, pair_id, lock=True)
    access.require_side(principal, seen.pair, "change their goals")
    if seen.pair.status not in OPEN_STATUSES:
        raise Conflict("The pair has ended.", code="pair_ended")
    return seen.pair


async def _event(session: AsyncSession, principal: Principal, goal: PairGoal, kind: str) -> None:
    await record_event(
        session,
        organization_id=goal.organization_id,
        type=f"pair_goal.{kind}",
        subject_type="pair_goal",
        subject_id=goal.id,
        data=to_read(goal),
        actor=principal,
    )


async def create_goal(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, data: GoalCreate
) -> PairGoal:
    pair = await _writable_pair(session, principal, pair_id)
    await _check_objective(session, pair, data.objective_id)
    count = len((await session.exec(select(PairGoal.id).where(PairGoal.pair_id == pair.id))).all())
    if count >= MAX_GOALS:
        raise Conflict(f"A pair has at most {MAX_GOALS} goals.", code="too_many_goals")
    goal = PairGoal(
        organization_id=pair.organization_id,
        pair_id=pair.id,
        program_id=pair.program_id,
        created_by=principal.employee_id,
        **data.model_dump(),
    )
    session.add(goal)
    await session.flush()
    await _event(session, principal, goal, "created")
    return goal


async def _load_goal(
    session: AsyncSession, pair: Pair, goal_id: uuid.UUID, *, lock: bool = False
) -> PairGoal:
    statement = select(PairGoal).where(PairGoal.id == goal_id, PairGoal.pair_id == pair.id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    goal = (await session.exec(statement)).first()
    if goal is None:
        raise NotFound("Goal not found.", code="goal_not_found")
    return goal


async def get_goal(
    session: AsyncSession, principal: Principal, pair_id: uuid.UUID, goal_id: uuid.UUID
) -> PairGoal:
    seen = await load_pair(session, principal, pair_id)
    await audit_read(session, principal, seen.pair)
    return await _load_goal(session, seen.pair, goal_id)


async def list_goals(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[PairGoal]:
    seen = await load_pair(session, principal, pair_id)
    await audit_read(session, principal, seen.pair)
    statement = select(PairGoal).where(PairGoal.pair_id == seen.pair.id)
    return await pagination.paginate(
        session, statement, keys=[PairGoal.id], limit=limit, cursor=cursor
    )


async def update_goal(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    goal_id: uuid.UUID,
    data: GoalUpdate,
    expected_version: int | None,
) -> PairGoal:
    pair = await _writable_pair(session, principal, pair_id)
    goal = await _load_goal(session, pair, goal_id, lock=True)
    check_version(goal.version, expected_version, "goal")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    cleared = sorted(n for n in GOAL_REQUIRED_ON_UPDATE if n in changes and changes[n] is None)
    if cleared:
        raise Invalid(
            "Some required fields cannot be cleared.",
            errors=[field_error(n, "cannot be null", "required") for n in cleared],
        )
    if "objective_id" in changes:
        await _check_objective(session, pair, changes["objective_id"])
    touched = False
    for name, value in changes.items():
        if getattr(goal, name) != value:
            setattr(goal, name, value)
            touched = True
    if touched:
        goal.updated_at = utcnow()
        await flush_versioned(session, "goal")
        await _event(session, principal, goal, "updated")
    return goal


async def delete_goal(
    session: AsyncSession,
    principal: Principal,
    pair_id: uuid.UUID,
    goal_id: uuid.UUID,
    expected_version: int | None,
) -> None:
    pair = await _writable_pair(session, principal, pair_id)
    goal = await _load_goal(session, pair, goal_id, lock=True)
    check_version(goal.version, expected_version, "goal")
    await session.delete(goal)
    await session.flush()


async def goals_by_pair_ids(
    session: AsyncSession, organization_id: uuid.UUID, pair_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PairGoal]]:
    grouped: dict[uuid.UUID, list[PairGoal]] = defaultdict(list)
    if not pair_ids:
        return grouped
    rows = await session.exec(
        select(PairGoal)
        .where(PairGoal.organization_id == organization_id, col(PairGoal.pair_id).in_(pair_ids))
        .order_by(col(PairGoal.id))
    )
    for goal in rows.all():
        grouped[goal.pair_id].append(goal)
    return grouped
