"""The SCIM resources this service provides and how lenient it is with real clients.

Models, PATCH application and filter parsing come from scim2-models. Two departures from
the strict reading of RFC 7643/7644, both for Microsoft Entra and Okta as they behave:

- the enterprise ``manager`` is accepted with its ``value`` only (the RFC marks ``$ref``
  required; neither client sends it), and as a bare string, as Entra's PATCH sends it;
- unknown attributes are ignored rather than refused, a ``remove`` with a ``value`` is
  read as a filter, and a PATCH path filter that matches nothing creates the entry.
"""

from typing import Annotated, Any

from pydantic import Field, field_validator
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Meta,
    Mutability,
    Patch,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    User,
)

ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200


class ManagerReference(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    """The ``id`` of the manager's User resource."""

    ref: Annotated[str | None, Mutability.read_only] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )

    display_name: Annotated[str | None, Mutability.read_only] = None


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_USER)

    employee_number: str | None = None
    cost_center: str | None = None
    organization: str | None = None
    division: str | None = None
    department: str | None = None
    manager: ManagerReference | None = None

    @field_validator("manager", mode="before")
    @classmethod
    def _bare_manager_id(cls, value: Any) -> Any:
        # Entra: {"op": "Add", "path": "...:manager", "value": "<id>"}; "" clears it.
        if isinstance(value, str):
            return {"value": value} if value else None
        if isinstance(value, dict) and value.get("value") in ("", None) and len(value) == 1:
            return None
        return value


ScimUser = User[EnterpriseUser]

POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)


def service_provider_config(base_url: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer API key",
                description="An API key of the organisation with the `scim` scope.",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig", location=f"{base_url}/ServiceProviderConfig"
        ),
    )


def resource_types(base_url: str) -> list[ResourceType]:
    user = ResourceType.from_resource(ScimUser)
    user.description = "Employees of the organisation"
    user.meta = Meta(resource_type="ResourceType", location=f"{base_url}/ResourceTypes/User")
    return [user]


def schemas(base_url: str) -> list[Schema]:
    found = []
    for model in (User, EnterpriseUser):
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
        found.append(schema)
    return found
