"""Relay-style connections over the domain's keyset pages."""

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

from app.domain.pagination import Page

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT")


@strawberry.type(description="Relay's page information; pages go forward (`first`, `after`).")
class PageInfo:
    has_next_page: bool
    start_cursor: str | None = strawberry.field(description="The first edge's cursor.")
    end_cursor: str | None = strawberry.field(description="The last edge's cursor.")
    has_previous: strawberry.Private[Callable[[], Awaitable[bool]]]

    @strawberry.field(description="Whether items come before this page: only after `after`.")
    async def has_previous_page(self) -> bool:
        return await self.has_previous()


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def connection_from_page(
    page: Page[ModelT], convert: Callable[[ModelT], NodeT]
) -> Connection[NodeT]:
    edges = [
        Edge(cursor=cursor, node=convert(item))
        for item, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.next_cursor is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous=page.has_previous,
        ),
    )
