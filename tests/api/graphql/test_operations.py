"""Declared operations: the arguments reach the domain function as its signature takes them,
and the answer is made of what it returns (app/api/graphql/operations.py).

The domain functions here record their call; the schema is a small one of its own, executed
by strawberry as the service's is."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import strawberry
from pydantic import BaseModel

from app.api.graphql.inputs import input_from
from app.api.graphql.operations import mutation_of, query_of
from app.api.graphql.relay import Connection
from app.domain.pagination import Page

recorded: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
# What ran, and on which session: the request's, or a mutation's savepoint.
events: list[str] = []


class Rename(BaseModel):
    name: str = "unnamed"
    note: str = "none"


class Move(BaseModel):
    to: str
    reason: str | None = None


@input_from(Rename)
class RenameInput:
    pass


@strawberry.type
class Thing:
    name: str


def thing(name: str) -> Thing:
    return Thing(name=name)


async def rename(session: Any, principal: Any, *args: Any, **kwargs: Any) -> str:
    recorded.append(("rename", args, kwargs))
    events.append(f"rename in {session}")
    return f"renamed {args[1].name} ({args[1].note})"


async def move(session: Any, principal: Any, *args: Any, **kwargs: Any) -> str:
    recorded.append(("move", args, kwargs))
    return "moved"


async def pair_of(session: Any, principal: Any, *args: Any, **kwargs: Any) -> list[str]:
    recorded.append(("pair_of", args, kwargs))
    return [f"{args[0]}-left", f"{args[0]}-right"]


async def listing(session: Any, principal: Any, *args: Any, **kwargs: Any) -> Page[str]:
    recorded.append(("listing", args, kwargs))
    events.append(f"listing in {session}")
    return Page(items=["a", "b"], next_cursor="after-b", cursors=["c-a", "c-b"])


async def read_back(session: Any, found: str) -> str:
    events.append(f"read back in {session}")
    return f"{found}, read back"


@strawberry.type
class Query:
    @query_of(listing, thing)
    def things(self, kind: str, first: int = 50, after: str | None = None) -> Connection[Thing]:
        """Things of a kind,
        as a connection."""

    @query_of(pair_of, thing)
    def pair(self, name: str) -> list[Thing]: ...

    @query_of(pair_of, lambda principal, name: Thing(name=f"{name} as {principal}"), caller=True)
    def seen(self, name: str) -> list[Thing]: ...


@strawberry.type
class Mutation:
    @mutation_of(rename, thing, then=read_back)
    def rename(
        self, id: uuid.UUID, version: int, input: RenameInput | None = None
    ) -> Thing | None: ...

    @mutation_of(move, fields=Move, echo="id")
    def move(
        self, id: uuid.UUID, to: str, reason: str | None = None, version: int | None = None
    ) -> uuid.UUID | None:
        """Moves it."""


class Context:
    session = "the request's session"
    principal = "the caller"

    @asynccontextmanager
    async def mutation(self) -> AsyncIterator[str]:
        events.append("savepoint")
        yield "the savepoint"
        events.append("released")


schema = strawberry.Schema(query=Query, mutation=Mutation)
ID = uuid.UUID(int=7)


async def run(document: str) -> dict[str, Any]:
    recorded.clear()
    events.clear()
    result = await schema.execute(document, context_value=Context())
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_the_declaration_is_the_schema() -> None:
    sdl = schema.as_str()
    assert '"""Things of a kind, as a connection."""' in sdl
    assert "things(kind: String!, first: Int! = 50, after: String = null): ThingConnection!" in sdl
    assert "rename(id: UUID!, version: Int!, input: RenameInput = null): Thing" in sdl
    assert "move(id: UUID!, to: String!, reason: String = null, version: Int = null): UUID" in sdl


@pytest.mark.asyncio
async def test_version_goes_last_and_an_input_as_its_model() -> None:
    data = await run(
        f'mutation {{ rename(id: "{ID}", version: 3, input: {{name: "Ada"}}) {{ name }} }}'
    )
    name, args, kwargs = recorded[0]
    assert (name, args[0], args[2], kwargs) == ("rename", ID, 3, {})
    assert isinstance(args[1], Rename)
    assert args[1].model_fields_set == {"name"}
    assert data["rename"]["name"] == "renamed Ada (none), read back"
    assert events == [
        "savepoint",
        "rename in the savepoint",
        "read back in the savepoint",
        "released",
    ]


@pytest.mark.asyncio
async def test_a_null_input_is_the_model_with_its_defaults() -> None:
    data = await run(f'mutation {{ rename(id: "{ID}", version: 1) {{ name }} }}')
    assert recorded[0][1][1] == Rename()
    assert data["rename"]["name"] == "renamed unnamed (none), read back"


@pytest.mark.asyncio
async def test_fields_are_packed_into_their_model_and_echo_answers_an_argument() -> None:
    data = await run(f'mutation {{ move(id: "{ID}", to: "done", version: 2) }}')
    assert recorded == [("move", (ID, Move(to="done"), 2), {})]
    assert data["move"] == str(ID)


@pytest.mark.asyncio
async def test_a_connection_pages_with_limit_and_cursor() -> None:
    data = await run(
        'query { things(kind: "k", first: 2, after: "x") '
        "{ edges { cursor node { name } } pageInfo { endCursor hasNextPage } } }"
    )
    assert recorded == [("listing", ("k",), {"limit": 2, "cursor": "x"})]
    assert events == ["listing in the request's session"]
    assert data["things"]["edges"] == [
        {"cursor": "c-a", "node": {"name": "a"}},
        {"cursor": "c-b", "node": {"name": "b"}},
    ]
    assert data["things"]["pageInfo"] == {"endCursor": "c-b", "hasNextPage": True}


@pytest.mark.asyncio
async def test_a_list_answers_each_item() -> None:
    data = await run('query { pair(name: "p") { name } }')
    assert recorded == [("pair_of", ("p",), {})]
    assert data["pair"] == [{"name": "p-left"}, {"name": "p-right"}]


@pytest.mark.asyncio
async def test_an_answer_may_depend_on_the_caller() -> None:
    data = await run('query { seen(name: "p") { name } }')
    assert data["seen"] == [{"name": "p-left as the caller"}, {"name": "p-right as the caller"}]


async def one(session: Any, principal: Any, a: int) -> str:
    return "one"


def test_a_declaration_that_cannot_call_its_function_fails_at_once() -> None:
    def two(self: Any, a: int, b: int) -> Thing: ...

    def single(self: Any, a: int) -> uuid.UUID | None: ...

    with pytest.raises(TypeError, match="the arguments do not fit"):
        query_of(one, thing)(two)
    with pytest.raises(TypeError, match="no argument 'b' to answer"):
        mutation_of(one, echo="b")(single)
    with pytest.raises(TypeError, match="no argument is a field of Move"):
        mutation_of(one, fields=Move)(single)
    assert mutation_of(one, echo="a")(single) is not None
