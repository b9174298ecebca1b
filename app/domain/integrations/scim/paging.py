"""SCIM lists page by ``startIndex``/``count`` (RFC 7644 §3.4.2.4): an offset by design."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.domain.integrations.scim.schema import MAX_RESULTS

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ScimPage(Generic[T]):
    total: int
    start_index: int
    items: list[T]


async def offset_page(
    session: AsyncSession,
    statement: SelectOfScalar[T],
    order_by: Any,
    *,
    start_index: int,
    count: int,
) -> ScimPage[T]:
    """One page of ``statement``; past the end, an empty page whatever the offset."""
    total = (await session.exec(select(func.count()).select_from(statement.subquery()))).one()
    start = max(start_index, 1)
    size = min(max(count, 0), MAX_RESULTS)
    items: list[T] = []
    if size and start <= total:
        items = list(
            (await session.exec(statement.order_by(order_by).offset(start - 1).limit(size))).all()
        )
    return ScimPage(total=total, start_index=start, items=items)
