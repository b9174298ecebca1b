"""SCIM Groups over the groups module: every change goes through ``groups.save_group``.

Okta and Microsoft Entra push the groups assigned to the service and keep their members in
step: Entra with ``add`` of ``members`` and ``remove`` of ``members[value eq "<id>"]`` (or a
``remove`` of ``members`` carrying the values), Okta with ``replace`` of ``members`` or the
same add and remove. Whatever the form, scim2-models applies the PATCH to the group as it
is, and the service stores the difference.
"""

import uuid
from collections.abc import Sequence

from scim2_models import Meta, PatchOp
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.domain.access.principal import Principal
from app.domain.errors import Invalid, NotFound, field_error
from app.domain.groups import service as groups
from app.domain.groups.models import Group, GroupFields
from app.domain.integrations.scim import schema
from app.domain.integrations.scim.filters import group_where
from app.domain.integrations.scim.paging import ScimPage, offset_page
from app.domain.integrations.scim.users import require_scim, user_location


def to_scim(group: Group, members: Sequence[uuid.UUID] | None, base_url: str) -> schema.Group:
    """The Group; ``members`` None when the client excluded them (nothing was read)."""
    return schema.Group(
        id=str(group.id),
        external_id=group.external_id,
        display_name=group.display_name,
        members=[
            schema.GroupMember(
                value=str(employee_id), ref=user_location(base_url, employee_id), type="User"
            )
            for employee_id in members
        ]
        if members
        else None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            version=f'W/"{group.version}"',
            location=f"{base_url}/Groups/{group.id}",
        ),
    )


def _fields(scim_group: schema.Group) -> GroupFields:
    try:
        return GroupFields(
            display_name=scim_group.display_name or "", external_id=scim_group.external_id
        )
    except ValueError as exc:
        raise Invalid(
            "The group has invalid attributes.",
            errors=[field_error("displayName", "required, up to 200 characters")],
        ) from exc


def _member_ids(scim_group: schema.Group) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for member in scim_group.members or []:
        if member.type not in (None, "User"):
            raise Invalid(
                "Members of a group are users.",
                code="unknown_member",
                errors=[field_error("members", f"{member.type!r} members are not supported")],
            )
        try:
            found.append(uuid.UUID(str(member.value)))
        except ValueError as exc:
            raise Invalid(
                "Members must be users of this organisation.",
                code="unknown_member",
                errors=[field_error("members", f"no such user: {member.value}", "not_found")],
            ) from exc
    return found


async def get_group(
    session: AsyncSession, principal: Principal, group_id: str, *, lock: bool = False
) -> Group:
    require_scim(principal)
    try:
        parsed = uuid.UUID(group_id)
    except ValueError as exc:
        raise NotFound("Group not found.", code="group_not_found") from exc
    return await groups.get_group(session, principal, parsed, lock=lock)


async def members_of(
    session: AsyncSession, principal: Principal, found: Sequence[Group]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await groups.member_ids(session, principal.organization_id, [g.id for g in found])


async def create_group(
    session: AsyncSession, principal: Principal, scim_group: schema.Group
) -> Group:
    require_scim(principal)
    return await groups.save_group(
        session, principal, None, _fields(scim_group), _member_ids(scim_group)
    )


async def replace_group(
    session: AsyncSession,
    principal: Principal,
    group_id: str,
    scim_group: schema.Group,
    expected_version: int | None,
) -> Group:
    group = await get_group(session, principal, group_id, lock=True)
    return await groups.save_group(
        session,
        principal,
        group,
        _fields(scim_group),
        _member_ids(scim_group),
        expected_version=expected_version,
    )


async def patch_group(
    session: AsyncSession,
    principal: Principal,
    group_id: str,
    patch: PatchOp[schema.Group],
    expected_version: int | None,
    base_url: str,
) -> Group:
    group = await get_group(session, principal, group_id, lock=True)
    members = (await members_of(session, principal, [group]))[group.id]
    scim_group = to_scim(group, members, base_url)
    with schema.POLICY:
        patch.patch(scim_group)
    return await groups.save_group(
        session,
        principal,
        group,
        _fields(scim_group),
        _member_ids(scim_group),
        expected_version=expected_version,
    )


async def delete_group(session: AsyncSession, principal: Principal, group_id: str) -> None:
    group = await get_group(session, principal, group_id, lock=True)
    await groups.delete_group(session, principal, group)


async def list_groups(
    session: AsyncSession,
    principal: Principal,
    *,
    filter: str | None,
    start_index: int,
    count: int,
) -> ScimPage[Group]:
    require_scim(principal)
    statement = select(Group).where(Group.organization_id == principal.organization_id)
    if filter:
        statement = statement.where(group_where(filter))
    return await offset_page(
        session, statement, col(Group.id), start_index=start_index, count=count
    )
