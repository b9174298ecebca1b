"""``/Users``: employees as SCIM Users; the rules live in ``integrations.scim.users``."""

from collections.abc import Sequence
from typing import Any

from scim2_models import ResponseParameters
from sqlmodel.ext.asyncio.session import AsyncSession

from app.api.scim.resources import ScimResourceType
from app.domain.access.principal import Principal
from app.domain.employees.models import Employee
from app.domain.integrations.scim import users
from app.domain.integrations.scim.schema import ScimUser


async def _to_scim(
    _db: AsyncSession,
    _principal: Principal,
    found: Sequence[Employee],
    _params: ResponseParameters[Any],
    base: str,
) -> list[ScimUser]:
    return [users.to_scim(employee, base) for employee in found]


USERS = ScimResourceType(
    model=ScimUser,
    path="/Users",
    name="user",
    create=users.create_user,
    get=users.get_user,
    replace=users.replace_user,
    patch=users.patch_user,
    delete=users.delete_user,
    list_page=users.list_users,
    to_scim=_to_scim,
)
