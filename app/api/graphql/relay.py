"""Relay-style connections over the domain's keyset pages."""

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from app.domain.pagination import Page

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


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
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
