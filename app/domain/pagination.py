"""Keyset (cursor) pagination, one helper for every list of the service."""

import base64
import binascii
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import ColumnElement, exists, func, tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from app.domain.errors import Malformed, ValidationFailed, field_error

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


async def _nothing_before() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    # The cursor that resumes right after each item (Relay edges need one per item).
    cursors: list[str] = field(default_factory=list)
    # Whether the list has items before this page: only after a cursor (paging is forward).
    # Asked lazily, so that only a client that wants to know (Relay's hasPreviousPage) pays
    # the query.
    has_previous: Callable[[], Awaitable[bool]] = _nothing_before


def encode_cursor(values: Sequence[Any]) -> str:
    raw = orjson.dumps([str(v) if isinstance(v, uuid.UUID) else v for v in values])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _invalid_cursor() -> Malformed:
    # 400, as for a page token in Google's API guidelines (AIP-158): the schema can only say
    # that a cursor is text, so a forged one fits it, but it is not one of ours.
    return Malformed(
        "The cursor is not one this list handed out.",
        code="invalid_cursor",
        errors=[field_error("cursor", "invalid or expired cursor", "invalid_cursor")],
    )


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise _invalid_cursor() from exc
    if not isinstance(values, list) or len(values) != arity:
        raise _invalid_cursor()
    return values


def check_limit(limit: int | None, maximum: int = MAX_LIMIT) -> int:
    if limit is None:
        return min(DEFAULT_LIMIT, maximum)
    if not 1 <= limit <= maximum:
        # The same refusal as a REST `limit` outside its published bounds.
        raise ValidationFailed(
            f"limit must be between 1 and {maximum}.",
            errors=[field_error("limit", f"must be between 1 and {maximum}", "out_of_range")],
        )
    return limit


async def paginate(
    session: AsyncSession,
    statement: SelectOfScalar[T],
    *,
    keys: Sequence[Any],
    limit: int | None,
    cursor: str | None,
) -> Page[T]:
    """Run ``statement`` ordered by ``keys`` (mapped columns, ascending, the last one unique)
    from just after ``cursor``.

    The rows must be ORM entities whose attributes are named like the key columns.
    Fetches one row more than asked to know whether another page exists.
    """
    size = check_limit(limit)
    has_previous = _nothing_before
    if cursor:
        values = decode_cursor(cursor, len(keys))
        try:
            typed = [_coerce(key, value) for key, value in zip(keys, values, strict=True)]
        except (ValueError, TypeError) as exc:
            raise _invalid_cursor() from exc
        position = tuple_(*keys) if len(keys) > 1 else keys[0]
        after = typed[0] if len(keys) == 1 else tuple_(*typed)
        before = statement.where(position <= after)

        async def has_previous() -> bool:
            return bool((await session.exec(select(exists(before)))).one())

        statement = statement.where(position > after)
    statement = statement.order_by(*keys).limit(size + 1)
    rows = list((await session.exec(statement)).all())
    has_more = len(rows) > size
    rows = rows[:size]
    cursors = [encode_cursor([getattr(row, key.key) for key in keys]) for row in rows]
    next_cursor = cursors[-1] if has_more else None
    return Page(items=rows, next_cursor=next_cursor, cursors=cursors, has_previous=has_previous)


async def pages_per_parent(
    session: AsyncSession,
    model: Any,
    parent: Any,
    parent_ids: Collection[Any],
    *,
    organization_id: Any,
    where: Sequence[ColumnElement[bool]] = (),
    limit: int | None,
    cursor: str | None,
) -> dict[Any, Page[Any]]:
    """A page of each parent's children (``model`` rows of the organisation whose ``parent``
    column is one of ``parent_ids``), ordered by id, in one query: GraphQL's nested lists,
    batched.

    The cursors are those of ``paginate`` with ``keys=[model.id]``, so a nested list and its
    REST counterpart page alike. A cursor applies to every parent of the batch.
    """
    size = check_limit(limit)
    pages: dict[Any, Page[Any]] = {p: Page(items=[], next_cursor=None) for p in parent_ids}
    if not parent_ids:
        return pages
    key = model.id
    conditions = [
        model.organization_id == organization_id,
        parent.in_(list(parent_ids)),
        *where,
    ]
    with_previous: set[Any] = set()
    if cursor:
        (value,) = decode_cursor(cursor, 1)
        try:
            after = _coerce(key, value)
        except (ValueError, TypeError) as exc:
            raise _invalid_cursor() from exc
        # Which parents have children before the cursor: one grouped query, as the pages.
        before = await session.exec(
            select(parent).where(*conditions, key <= after).group_by(parent)
        )
        with_previous = set(before.all())
        conditions.append(key > after)
    ranked = (
        select(
            key.label("id"),
            func.row_number().over(partition_by=parent, order_by=key).label("rank"),
        )
        .where(*conditions)
        .subquery()
    )
    rows = await session.exec(
        select(model)
        .join(ranked, key == ranked.c.id)
        .where(ranked.c.rank <= size + 1)
        .order_by(key)
    )
    grouped: dict[Any, list[Any]] = {p: [] for p in parent_ids}
    for row in rows:
        grouped[getattr(row, parent.key)].append(row)
    for parent_id, items in grouped.items():
        cursors = [encode_cursor([item.id]) for item in items[:size]]
        pages[parent_id] = Page(
            items=items[:size],
            next_cursor=cursors[-1] if len(items) > size else None,
            cursors=cursors,
            has_previous=_something_before if parent_id in with_previous else _nothing_before,
        )
    return pages


async def _something_before() -> bool:
    return True


def _coerce(key: Any, value: Any) -> Any:
    # A TypeDecorator (UTCDateTime) reports ``object``: the type it decorates says more.
    python_type = getattr(key.type, "impl", key.type).python_type
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type is datetime:
        return datetime.fromisoformat(str(value))
    if python_type is date:
        return date.fromisoformat(str(value))
    if python_type in (int, str, float) and not isinstance(value, python_type):
        raise TypeError("cursor value of the wrong type")
    return value
