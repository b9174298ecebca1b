"""Sibling fields resolve concurrently and share one database session: that must be safe.

GraphQL runs the fields of a selection set at the same time, so thirty aliases of one root
field (each with nested, batched fields under it) hit the request's session together. Every
root field is queried that way, as an administrator and as an employee, several times, on
both databases: no answer may be an internal error, and every alias answers the same.
"""

import asyncio
from typing import Any

import pytest
from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    is_leaf_type,
    parse,
)

from app.api.graphql.schema import schema
from tests.api.graphql.test_isolation_graphql import FIELDS, LISTS
from tests.api.isolation_support import World, build_world
from tests.conftest import Tenant

MAX_ALIASES = 30
MAX_TOKENS = 4000
ROUNDS = 3
# Differs between two reads by design.
VOLATILE = {"generatedAt"}


def _selection(output: GraphQLOutputType, depth: int) -> str:
    """Every leaf field, and object fields without required arguments down to ``depth``."""
    named = get_named_type(output)
    if not isinstance(named, GraphQLObjectType):
        return ""
    parts: list[str] = []
    for name, field in named.fields.items():
        if name in VOLATILE or any(
            isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()
        ):
            continue
        target = get_named_type(field.type)
        if is_leaf_type(target):
            parts.append(name)
        elif depth > 0:
            inner = _selection(field.type, depth - 1)
            if inner:
                parts.append(f"{name} {inner}")
    return "{ " + " ".join(parts) + " }" if parts else ""


def _arguments(name: str, values: dict[str, str]) -> str:
    field = schema._schema.query_type.fields[name]  # type: ignore[union-attr]
    args = [f'{arg}: "{value}"' for arg, value in values.items()]
    if "first" in field.args:
        args.append("first: 5")
    return f"({', '.join(args)})" if args else ""


def _document(name: str, values: dict[str, str], depth: int) -> str:
    field = schema._schema.query_type.fields[name]  # type: ignore[union-attr]
    one = f"{name}{_arguments(name, values)} {_selection(field.type, depth)}"
    for aliases in range(MAX_ALIASES, 1, -1):
        text = "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"
        try:
            parse(text, max_tokens=MAX_TOKENS)
        except GraphQLError:
            continue
        return text
    raise AssertionError(f"{name}: not even two aliases fit in {MAX_TOKENS} tokens")


def _documents(world: World) -> dict[str, list[str]]:
    """Per root field: many shallow siblings, and fewer deep ones."""
    found: dict[str, list[str]] = {}
    for name in sorted(FIELDS) + sorted(LISTS):
        values = {arg: world.ids[key] for arg, key in FIELDS.get(name, {}).items()}
        found[name] = [_document(name, values, depth) for depth in (0, 2)]
    return found


def _is_list(name: str) -> bool:
    kind = schema._schema.query_type.fields[name].type  # type: ignore[union-attr]
    kind = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    return isinstance(kind, GraphQLList)


async def _check(world: World, name: str, query: str, headers: dict[str, str]) -> None:
    # Bounded: a session used by two tasks at once can also hang rather than fail.
    response = await asyncio.wait_for(
        world.tenant.client.post("/graphql", json={"query": query}, headers=headers), 60
    )
    assert response.status_code == 200, (name, response.text[:2000])
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        code = error.get("extensions", {}).get("code")
        assert code not in (None, "internal_error"), (name, error)
    data = body.get("data") or {}
    answers = list(data.values())
    # Every alias asked the same question: they all get the same answer.
    assert all(answer == answers[0] for answer in answers), (name, answers[:2])


@pytest.mark.parametrize("caller", ["admin", "pair_mentor", "circle_member"])
async def test_many_siblings_of_every_root_field_share_the_session_safely(
    tenant: Tenant, caller: str
) -> None:
    world = await build_world(tenant)
    headers = tenant.admin if caller == "admin" else world.headers[caller]
    documents = _documents(world)
    assert set(documents) == set(schema._schema.query_type.fields)  # type: ignore[union-attr]
    for _ in range(ROUNDS):
        for name, queries in documents.items():
            for query in queries:
                await _check(world, name, query, headers)
    assert not _is_list("viewer")
