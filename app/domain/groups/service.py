"""Use cases of groups: an identity provider writes them (SCIM); the organisation reads them.

Their names are visible to those who set up programs (to restrict enrolment to a group);
who is in a group is personal data, readable by administrators and machine clients with
the `read` or `scim` scope.
"""

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import delete
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.db.base import utcnow
from app.domain import pagination
from app.domain.access.policy import require
from app.domain.access.principal import Principal, Role, Scope
from app.domain.concurrency import check_version, flush_versioned
from app.domain.employees.models import Employee, EmployeeStatus
from app.domain.errors import Invalid, NotFound, field_error
from app.domain.events.service import record_event
from app.domain.groups.models import Group, GroupFields, GroupFilter, GroupMember, GroupRead


def require_write(principal: Principal) -> None:
    require(principal, "provision groups through SCIM", scopes=[Scope.SCIM])


def _require_read(principal: Principal) -> None:
    require(
        principal,
        "read groups",
        scopes=[Scope.READ, Scope.PROGRAMS_WRITE, Scope.SCIM],
        roles=[Role.PROGRAM_MANAGER],
    )


def require_read_members(principal: Principal) -> None:
    require(principal, "read who is in a group", scopes=[Scope.READ, Scope.SCIM])


def _not_found() -> NotFound:
    return NotFound("Group not found.", code="group_not_found")


def scoped(organization_id: uuid.UUID) -> SelectOfScalar[Group]:
    """Every read of groups starts here: the organisation's groups only."""
    return select(Group).where(Group.organization_id == organization_id)


async def get_group(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, *, lock: bool = False
) -> Group:
    """A group of the caller's organisation; ``lock`` holds it until the transaction ends, so
    concurrent changes of its members (Entra sends them in parallel) queue instead of failing."""
    _require_read(principal)
    statement = scoped(principal.organization_id).where(Group.id == group_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    group = (await session.exec(statement)).first()
    if group is None:
        raise _not_found()
    return group


async def member_ids(
    session: AsyncSession, organization_id: uuid.UUID, group_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The members of each group, in the order they joined; one query for all groups."""
    found: dict[uuid.UUID, list[uuid.UUID]] = {group_id: [] for group_id in group_ids}
    if not group_ids:
        return found
    rows = await session.exec(
        select(GroupMember.group_id, GroupMember.employee_id)
        .where(
            GroupMember.organization_id == organization_id,
            col(GroupMember.group_id).in_(group_ids),
        )
        .order_by(col(GroupMember.id))
    )
    for group_id, employee_id in rows:
        found[group_id].append(employee_id)
    return found


async def member_counts(
    session: AsyncSession, organization_id: uuid.UUID, group_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    counts: dict[uuid.UUID, int] = dict.fromkeys(group_ids, 0)
    if not group_ids:
        return counts
    rows = await session.exec(
        select(GroupMember.group_id, func.count())
        .where(
            GroupMember.organization_id == organization_id,
            col(GroupMember.group_id).in_(group_ids),
        )
        .group_by(col(GroupMember.group_id))
    )
    counts.update(dict(rows.all()))
    return counts


async def to_read(session: AsyncSession, groups: Sequence[Group]) -> list[GroupRead]:
    if not groups:
        return []
    counts = await member_counts(session, groups[0].organization_id, [g.id for g in groups])
    return [
        GroupRead.model_validate(
            group, from_attributes=True, update={"member_count": counts[group.id]}
        )
        for group in groups
    ]


# Ids per statement: a group pushed whole may hold more people than a query may bind.
_CHUNK = 1000


def _chunks(ids: Collection[uuid.UUID]) -> list[list[uuid.UUID]]:
    ordered = sorted(ids)
    return [ordered[i : i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


async def _check_members(
    session: AsyncSession, organization_id: uuid.UUID, employee_ids: Collection[uuid.UUID]
) -> None:
    known: set[uuid.UUID] = set()
    for chunk in _chunks(employee_ids):
        found = await session.exec(
            select(Employee.id).where(
                Employee.organization_id == organization_id,
                col(Employee.id).in_(chunk),
                Employee.status != EmployeeStatus.TERMINATED.value,
            )
        )
        known.update(found.all())
    unknown = sorted(str(e) for e in set(employee_ids) - known)
    if unknown:
        raise Invalid(
            "Members must be users of this organisation.",
            code="unknown_member",
            errors=[field_error("members", f"no such user: {e}", "not_found") for e in unknown],
        )


async def save_group(
    session: AsyncSession,
    principal: Principal,
    group: Group | None,
    data: GroupFields,
    members: Collection[uuid.UUID],
    *,
    expected_version: int | None = None,
) -> Group:
    """Create ``group`` (when None) or make it what ``data`` and ``members`` describe.

    The one door for writing a group: members are added and removed by difference, the
    group's version moves when anything changes, and the change is announced.
    """
    require_write(principal)
    wanted = set(members)
    await _check_members(session, principal.organization_id, wanted)
    if group is None:
        group = Group(organization_id=principal.organization_id, **data.model_dump())
        session.add(group)
        await session.flush()
        _add(session, group, sorted(wanted))
        await session.flush()
        await _announce(session, principal, "group.created", group, added=len(wanted))
        return group
    if expected_version is not None:
        check_version(group.version, expected_version, "group")
    current = set((await member_ids(session, group.organization_id, [group.id]))[group.id])
    added, removed = sorted(wanted - current), sorted(current - wanted)
    changed = {k: v for k, v in data.model_dump().items() if getattr(group, k) != v}
    if not (changed or added or removed):
        return group
    for name, value in changed.items():
        setattr(group, name, value)
    for chunk in _chunks(removed):
        await session.exec(
            delete(GroupMember).where(
                col(GroupMember.group_id) == group.id, col(GroupMember.employee_id).in_(chunk)
            )
        )
    _add(session, group, added)
    group.updated_at = utcnow()  # membership is part of the group: its version moves too
    await flush_versioned(session, "group")
    await _announce(
        session,
        principal,
        "group.updated",
        group,
        changed=sorted(changed),
        added=len(added),
        removed=len(removed),
    )
    return group


def _add(session: AsyncSession, group: Group, employee_ids: Sequence[uuid.UUID]) -> None:
    session.add_all(
        GroupMember(organization_id=group.organization_id, group_id=group.id, employee_id=e)
        for e in employee_ids
    )


async def delete_group(session: AsyncSession, principal: Principal, group: Group) -> None:
    """The group and its memberships go; programs restricted to it no longer are."""
    require_write(principal)
    await _announce(session, principal, "group.deleted", group)
    await session.delete(group)
    await session.flush()


async def _announce(
    session: AsyncSession, principal: Principal, event_type: str, group: Group, **extra: object
) -> None:
    await record_event(
        session,
        organization_id=group.organization_id,
        type=event_type,
        subject_type="group",
        subject_id=group.id,
        data={
            "group": {
                "id": str(group.id),
                "display_name": group.display_name,
                "external_id": group.external_id,
            },
            **extra,
        },
        actor=principal,
    )


async def list_groups(
    session: AsyncSession,
    principal: Principal,
    filters: GroupFilter,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[Group]:
    _require_read(principal)
    statement = scoped(principal.organization_id)
    if filters.display_name is not None:
        statement = statement.where(
            func.lower(Group.display_name) == filters.display_name.strip().lower()
        )
    return await pagination.paginate(
        session, statement, keys=[Group.id], limit=limit, cursor=cursor
    )


async def list_members(
    session: AsyncSession,
    principal: Principal,
    group_id: uuid.UUID,
    *,
    limit: int | None,
    cursor: str | None,
) -> pagination.Page[GroupMember]:
    group = await get_group(session, principal, group_id)
    require_read_members(principal)
    statement = select(GroupMember).where(
        GroupMember.organization_id == group.organization_id, GroupMember.group_id == group.id
    )
    return await pagination.paginate(
        session, statement, keys=[GroupMember.id], limit=limit, cursor=cursor
    )


async def in_any_group(
    session: AsyncSession,
    organization_id: uuid.UUID,
    employee_id: uuid.UUID,
    group_ids: Collection[uuid.UUID],
) -> bool:
    if not group_ids:
        return False
    found = await session.exec(
        select(GroupMember.id)
        .where(
            GroupMember.organization_id == organization_id,
            GroupMember.employee_id == employee_id,
            col(GroupMember.group_id).in_(group_ids),
        )
        .limit(1)
    )
    return found.first() is not None


async def leave_all_groups(
    session: AsyncSession, organization_id: uuid.UUID, employee_id: uuid.UUID
) -> list[Group]:
    """Take the employee out of every group (they left, or their data is erased)."""
    groups = list(
        (
            await session.exec(
                scoped(organization_id).where(
                    col(Group.id).in_(
                        select(GroupMember.group_id).where(GroupMember.employee_id == employee_id)
                    )
                )
            )
        ).all()
    )
    if not groups:
        return []
    await session.exec(
        delete(GroupMember).where(
            col(GroupMember.organization_id) == organization_id,
            col(GroupMember.employee_id) == employee_id,
        )
    )
    for group in groups:
        group.updated_at = utcnow()
    await flush_versioned(session, "group")
    return groups
