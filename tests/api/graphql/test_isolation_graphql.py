"""Tenant isolation on every GraphQL query field: organisation B never reads A's data.

The fields come from the schema itself; a query field that takes an identifier and has no
entry in ``FIELDS`` fails the test, and so does one without identifiers missing in ``LISTS``.
"""

from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)

from app.api.graphql.schema import schema
from tests.api.isolation_support import World, build_world
from tests.conftest import Tenant

PROGRAM = "consulted_program"
MATCHING = {"programId": "matching_program"}
CIRCLES = {"programId": "circle_program"}
CIRCLE = CIRCLES | {"circleId": "circle"}

# How to fill each query field's identifier arguments from A's world.
FIELDS: dict[str, dict[str, str]] = {
    "employee": {"id": "employee"},
    "program": {"id": PROGRAM},
    "mentorSuggestions": MATCHING | {"menteeId": "participant"},
    "participants": MATCHING,
    "participant": MATCHING | {"id": "participant"},
    "matchingRuns": MATCHING,
    "matchingRun": MATCHING | {"id": "run"},
    "pair": {"id": "pair"},
    "pairs": {"programId": "pair_program"},
    "sessionLogs": {"pairId": "pair"},
    "progress": {"pairId": "pair"},
    "dashboard": {"programId": "pair_program"},
    "circles": CIRCLES,
    "circle": CIRCLES | {"id": "circle"},
    "circleMembers": CIRCLE,
    "circleThreads": CIRCLE,
    "threadPosts": CIRCLE | {"threadId": "thread"},
    "circleMeetings": CIRCLE,
    "mentorConfidence": CIRCLES,
    "workshops": CIRCLES,
    "workshop": {"id": "workshop"},
}
# Fields without identifiers: B's answer must hold nothing of A's.
LISTS = {"viewer", "employees", "programs", "guestMentors"}


def _query_type() -> GraphQLObjectType:
    query = schema._schema.query_type
    assert query is not None
    return query


def _is_identifier(arg_type: Any) -> bool:
    return str(get_named_type(arg_type).name) == "UUID"


def _selection(output: GraphQLOutputType) -> str:
    """Enough of the answer to see whether anything of A's came back."""
    named = get_named_type(output)
    if not isinstance(named, GraphQLObjectType):
        return ""
    fields = named.fields
    if "edges" in fields:
        node = get_named_type(fields["edges"].type)
        assert isinstance(node, GraphQLObjectType)
        return "{ edges { node " + _selection(node.fields["node"].type) + " } }"
    if "id" in fields:
        return "{ __typename id }"
    return "{ __typename }"


def _query(name: str, values: dict[str, str]) -> str:
    field = _query_type().fields[name]
    args = []
    for arg, definition in field.args.items():
        if arg in values:
            args.append(f'{arg}: "{values[arg]}"')
        elif arg == "first":
            args.append("first: 10")
        elif isinstance(definition.type, GraphQLNonNull):
            raise AssertionError(f"{name}: no value for the required argument {arg}")
    written = f"({', '.join(args)})" if args else ""
    return f"{{ {name}{written} {_selection(field.type)} }}"


async def test_every_query_field_is_described() -> None:
    missing = []
    for name, field in _query_type().fields.items():
        identifiers = {a for a, d in field.args.items() if _is_identifier(d.type)}
        if identifiers:
            if name not in FIELDS or set(FIELDS[name]) != identifiers:
                missing.append(name)
        elif name not in LISTS:
            missing.append(name)
    assert missing == [], f"query fields without an isolation entry: {missing}"


def _check(world: World, name: str, answer: dict[str, Any], text: str) -> None:
    leaked = world.leaks(text)
    assert not leaked, (name, leaked, text)
    field = _query_type().fields[name]
    data = answer.get("data")
    value = None if data is None else data.get(name)
    if value is None:
        # Hidden: null (a nullable field) or a not-found error.
        errors = answer.get("errors") or []
        if isinstance(field.type, GraphQLNonNull):
            assert errors, (name, answer)
        for error in errors:
            assert error["extensions"]["status"] == 404, (name, error)
        return
    # Something came back: it must be empty (a list or connection of nothing).
    if isinstance(value, dict) and "edges" in value:
        assert value["edges"] == [], (name, value)
    else:
        nullable = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        assert isinstance(nullable, GraphQLList), (name, value)
        assert value == [], (name, value)


async def test_another_organisation_reads_nothing(tenant: Tenant, other_tenant: Tenant) -> None:
    world = await build_world(tenant)
    checked = 0
    for name, mapping in FIELDS.items():
        values = {arg: world.ids[key] for arg, key in mapping.items()}
        query = _query(name, values)
        response = await other_tenant.client.post(
            "/graphql", json={"query": query}, headers=other_tenant.admin
        )
        assert response.status_code == 200, (name, response.text)
        sent = " ".join(values.values())
        assert not world.leaks(response.text, sent=sent), (name, response.text)
        _check(world, name, response.json(), response.text.replace(sent, ""))
        # The same query as A's administrator does find the data (the query is sound).
        mine = await tenant.client.post("/graphql", json={"query": query}, headers=tenant.admin)
        assert mine.json().get("data", {}).get(name) is not None, (name, mine.text)
        checked += 1
    for name in sorted(LISTS):
        response = await other_tenant.client.post(
            "/graphql", json={"query": _query(name, {})}, headers=other_tenant.admin
        )
        assert response.status_code == 200, (name, response.text)
        assert not world.leaks(response.text), (name, world.leaks(response.text))
        checked += 1
    assert checked == len(_query_type().fields)
