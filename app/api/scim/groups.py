"""``/Groups``: the groups an identity provider pushes; rules in ``integrations.scim.groups``."""

from collections.abc import Sequence
from typing import Any

from scim2_models import ResponseParameters
from sqlmodel.ext.asyncio.session import AsyncSession

from app.api.scim.common import returns
from app.api.scim.resources import ScimResourceType
from app.domain.access.principal import Principal
from app.domain.groups.models import Group as GroupRow
from app.domain.integrations.scim import groups
from app.domain.integrations.scim.schema import Group


async def _to_scim(
    db: AsyncSession,
    principal: Principal,
    found: Sequence[GroupRow],
    params: ResponseParameters[Any],
    base: str,
) -> list[Group]:
    # Okta and Entra list groups with excludedAttributes=members: then none are read.
    members = await groups.members_of(db, principal, found) if returns(params, "members") else {}
    return [groups.to_scim(group, members.get(group.id), base) for group in found]


GROUPS = ScimResourceType(
    model=Group,
    path="/Groups",
    name="group",
    create=groups.create_group,
    get=groups.get_group,
    replace=groups.replace_group,
    patch=groups.patch_group,
    delete=groups.delete_group,
    list_page=groups.list_groups,
    to_scim=_to_scim,
)
