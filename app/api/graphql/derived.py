"""GraphQL object types derived from the domain's read schemas.

``derived(XRead, name=...)`` exposes every field of the read schema, in the schema's order,
typed by strawberry's pydantic integration. The class body may retype a field, resolve it
(a resolver named like the field) or describe it (``strawberry.field(description=)``),
keep the loaded row in a ``strawberry.Private`` field, and add resolvers after the schema's
fields. The fields a type leaves out are named in ``exclude``; ``EXCLUDED`` keeps them, and a
test holds every derived type to its read schema.
"""

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types.field import StrawberryField

T = TypeVar("T")

# GraphQL type name -> the read schema's fields it leaves out.
EXCLUDED: dict[str, frozenset[str]] = {}


def derived(
    model: type[BaseModel],
    *,
    name: str,
    exclude: Iterable[str] = (),
    description: str | None = None,
) -> Callable[[type[T]], type[T]]:
    left_out = frozenset(exclude)
    unknown = left_out - set(model.model_fields)
    if unknown:
        raise TypeError(f"{name} excludes fields {model.__name__} does not have: {unknown}")

    def wrap(cls: type[T]) -> type[T]:
        own = dict(inspect.get_annotations(cls))
        own_fields = {k: v for k, v in vars(cls).items() if isinstance(v, StrawberryField)}
        resolved = {k for k, v in own_fields.items() if v.base_resolver is not None}
        order = [f for f in model.model_fields if f not in left_out]
        annotations = {f: own.pop(f, strawberry.auto) for f in order if f not in resolved}
        cls.__annotations__ = {**annotations, **own}
        made: Any = pydantic_type(model=model, name=name, description=description)(cls)
        rank = {f: i for i, f in enumerate(order)}
        fields = made.__strawberry_definition__.fields
        fields.sort(key=lambda f: rank.get(f.python_name, len(rank)))
        for field in fields:
            if field.base_resolver is not None:
                # The integration reads a resolver's type before the class exists, which
                # fails for a type naming itself: let the resolver's annotation say it.
                field.type_annotation = None
            given = own_fields.get(field.python_name)
            if given is not None and given.base_resolver is None and given.description:
                field.description = given.description
        EXCLUDED[name] = left_out
        return made  # type: ignore[no-any-return]

    return wrap


def plain_type(model: type[BaseModel], name: str, *, exclude: Iterable[str] = ()) -> Any:
    """A derived type with nothing of its own (one nested in another, say)."""
    return derived(model, name=name, exclude=exclude)(type(model.__name__ + "Type", (), {}))


def from_read(cls: type[T], view: BaseModel, **extra: Any) -> T:
    """``view`` as the GraphQL type derived from its schema; ``extra`` fills private fields."""
    made: T = cls.from_pydantic(view, extra or None)  # type: ignore[attr-defined]
    return made


def source(made: object) -> Any:
    """The read schema a derived object was made from (strawberry keeps it)."""
    return made._original_model  # type: ignore[attr-defined]
