"""One place to say who may do what, for machine clients (scopes) and people (roles)."""

from collections.abc import Iterable

from app.domain.access.principal import Principal, Role, Scope
from app.domain.errors import Forbidden


def allows(
    principal: Principal, *, scopes: Iterable[Scope] = (), roles: Iterable[Role] = ()
) -> bool:
    """Admins (role or scope) may do everything; otherwise a key needs a scope, a person a role."""
    if principal.is_admin:
        return True
    if principal.is_machine:
        return principal.has_scope(*scopes)
    return principal.role in set(roles)


def require(
    principal: Principal,
    action: str,
    *,
    scopes: Iterable[Scope] = (),
    roles: Iterable[Role] = (),
) -> None:
    if not allows(principal, scopes=scopes, roles=roles):
        raise Forbidden(f"You are not allowed to {action}.", code="forbidden")


def require_admin(principal: Principal, action: str) -> None:
    require(principal, action)
