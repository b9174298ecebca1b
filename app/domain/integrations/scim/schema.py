"""The SCIM resources this service provides, exactly as ``/Schemas`` publishes them.

A resource declares the attributes the service stores, and only those: ``/Schemas``,
``/ResourceTypes`` and the validation of every request are generated from these models
(scim2-models), so what is published is what is enforced and returned. Required are
``userName`` and ``active`` (Okta and Microsoft Entra always send both) for a User, and
``displayName`` for a Group; a name and an e-mail are optional, because Entra sends an
e-mail only when the person has a mailbox and a name only when it is mapped, and the HRIS
may fill them in later.

Departures from the strict reading of RFC 7643/7644, for Entra and Okta as they behave:

- attributes the service does not keep (``displayName``, ``locale``, ``phoneNumbers``,
  ``emails[].primary``, ...) are ignored rather than refused, in bodies and PATCH paths;
- the enterprise ``manager`` is accepted with its ``value`` only (the RFC marks ``$ref``
  required; neither client sends it), and as a bare string, as Entra's PATCH sends it; it
  may name a user not provisioned yet (by ``externalId``), linked when that user arrives;
- a ``remove`` with a ``value`` is read as a filter, and a PATCH path filter that matches
  nothing creates the entry;
- ``"True"``/``"False"`` strings are accepted for booleans (Entra's PATCH).
"""

from typing import Annotated, Any

from pydantic import EmailStr, Field, field_validator
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
    Reference,
    Required,
    Resource,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models.resources.resource import AnyExtension

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200
# A reference to a User resource (scim2-models names resource types by string).
UserReference = Reference["User"]  # type: ignore[type-arg]


class Name(ComplexAttribute):
    given_name: str | None = Field(None, max_length=200, description="First name.")
    family_name: str | None = Field(None, max_length=200, description="Last name.")


class Email(ComplexAttribute):
    value: EmailStr | None = Field(
        None, max_length=320, description="The work e-mail address; the service keeps one."
    )
    type: str | None = Field(None, examples=["work"], description="Always 'work'.")


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = Field(
        None,
        description=(
            "The manager's User id, or their externalId if they are not provisioned yet "
            "(linked when they arrive)."
        ),
    )
    ref: Annotated[UserReference | None, Mutability.read_only] = Field(
        None,
        serialization_alias="$ref",
        validation_alias="$ref",
        description="The manager's User, once linked.",
    )


class EnterpriseUser(Extension):
    """Enterprise User"""

    __schema__ = URN(ENTERPRISE_USER)

    department: str | None = Field(None, max_length=200, description="The department.")
    manager: Manager | None = Field(None, description="The user's manager.")

    @field_validator("manager", mode="before")
    @classmethod
    def _bare_manager_id(cls, value: Any) -> Any:
        # Entra: {"op": "Add", "path": "...:manager", "value": "<id>"}; "" clears it.
        if isinstance(value, str):
            return {"value": value} if value else None
        if isinstance(value, dict) and value.get("value") in ("", None) and len(value) == 1:
            return None
        return value


class User(Resource[AnyExtension]):
    """An employee of the organisation"""

    __schema__ = URN(CORE_USER)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = Field(
        None, max_length=320, description="Login name at the identity provider."
    )
    name: Name | None = Field(None, description="The person's name, when known.")
    title: str | None = Field(None, max_length=200, description="Job title.")
    active: Annotated[bool | None, Required.true] = Field(
        None, description="False deactivates the employee; true reactivates them."
    )
    emails: list[Email] | None = Field(None, description="The work e-mail, when known.")


ScimUser = User[EnterpriseUser]


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = Field(
        None, description="The id of a User."
    )
    ref: Annotated[UserReference | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref", description="The User."
    )
    type: Annotated[str | None, Mutability.immutable] = Field(
        None, examples=["User"], description="Members are Users."
    )


class Group(Resource[Any]):
    """A group the identity provider assigned to the service"""

    __schema__ = URN(CORE_GROUP)

    display_name: Annotated[str | None, Required.true] = Field(
        None, min_length=1, max_length=200, description="The group's name."
    )
    members: list[GroupMember] | None = Field(None, description="The users in the group.")


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
    group = ResourceType.from_resource(Group)
    group.description = "Groups assigned to the service, with their members"
    group.meta = Meta(resource_type="ResourceType", location=f"{base_url}/ResourceTypes/Group")
    return [user, group]


def schemas(base_url: str) -> list[Schema]:
    found = []
    for model in (User, EnterpriseUser, Group):
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{schema.id}")
        found.append(schema)
    return found
