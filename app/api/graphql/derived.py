"""GraphQL object types derived from the domain's read schemas.

``derived(XRead, name=...)`` exposes every field of the read schema, in the schema's order,
typed by strawberry's pydantic integration. The class body may retype a field, resolve it
(a resolver named like the field) or describe it (``strawberry.field(description=)``),
keep the loaded row in a ``strawberry.Private`` field, and add resolvers after the schema's
fields. The fields a type leaves out are named in ``exclude``; ``EXCLUDED`` keeps them, and a
test holds every derived type to its read schema.
"""

import dataclasses
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.private import is_private
from strawberry.types.union import StrawberryUnion

T = TypeVar("T")

# GraphQL type name -> the read schema's fields it leaves out.
EXCLUDED: dict[str, frozenset[str]] = {}
# Every derived type, for ``prepare_conversions``.
DERIVED: list[type] = []


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
        DERIVED.append(made)
        return made  # type: ignore[no-any-return]

    return wrap


def plain_type(model: type[BaseModel], name: str, *, exclude: Iterable[str] = ()) -> Any:
    """A derived type with nothing of its own (one nested in another, say)."""
    return derived(model, name=name, exclude=exclude)(type(model.__name__ + "Type", (), {}))


def from_read(cls: type[T], view: BaseModel, **extra: Any) -> T:
    """``view`` as the GraphQL type derived from its schema; ``extra`` fills private fields.

    What strawberry's ``from_pydantic`` does, with the work it repeats for every object
    (which fields, of which types, are private) done once per type: a page of fifty logs or
    a pair with its progress is made many times a second."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _plan(cls)
    fields, private = plan
    values = {
        name: getattr(view, name) if convert is None else convert(getattr(view, name))
        for name, convert in fields
    }
    if extra and not extra.keys() <= private:
        raise TypeError(f"{cls.__name__} has no private fields {set(extra) - private}")
    for name in private:
        if name in extra:
            values[name] = extra[name]
        elif hasattr(view, name):
            values[name] = getattr(view, name)
    made = cls(**values)
    made._original_model = view  # type: ignore[attr-defined]
    return made


def prepare_conversions() -> None:
    """Plan every derived type's conversion once the schema has resolved their fields' types:
    a field no read schema can fill fails when the service starts, not on a request."""
    for cls in DERIVED:
        _PLANS[cls] = _plan(cls)


Convert = Callable[[Any], Any] | None
Plan = tuple[list[tuple[str, Convert]], frozenset[str]]
# A derived type -> its fields with how each value is converted (None: as it is), and its
# private fields (filled from ``extra``, else from the view, else left to their default).
_PLANS: dict[type, Plan] = {}


def _plan(cls: type) -> Plan:
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    schema: type[BaseModel] = cls._pydantic_type  # type: ignore[attr-defined]
    fields = [(f.python_name, _converter(f.type)) for f in definition.fields if f.init]
    unknown = [name for name, _ in fields if name not in schema.model_fields]
    if unknown:
        raise TypeError(f"{cls.__name__} has fields {schema.__name__} cannot fill: {unknown}")
    private = frozenset(f.name for f in dataclasses.fields(cls) if is_private(f.type))
    return fields, private


def _converter(kind: Any) -> Convert:
    """How a read schema's value becomes the GraphQL type's: nested read schemas become their
    derived types, the rest (scalars, enums, lists of them) stays as it is."""
    if isinstance(kind, StrawberryOptional):
        inner = _converter(kind.of_type)
        if inner is None:
            return None
        return lambda value: None if value is None else inner(value)
    if isinstance(kind, StrawberryList):
        each = _converter(kind.of_type)
        if each is None:
            return None
        return lambda values: [each(value) for value in values]
    if isinstance(kind, type) and hasattr(kind, "from_pydantic"):
        return lambda value: from_read(kind, value)
    if isinstance(kind, StrawberryUnion) or has_object_definition(kind):
        raise TypeError(f"No conversion to {kind} from a read schema")
    return None


def source(made: object) -> Any:
    """The read schema a derived object was made from (strawberry keeps it)."""
    return made._original_model  # type: ignore[attr-defined]
