"""Strawberry inputs as the dicts the domain's schemas validate."""

import dataclasses
import functools
import inspect
import operator
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import strawberry
from pydantic import BaseModel

T = TypeVar("T")

# A model -> the input made from it, for the inputs nesting it; and back.
_INPUTS: dict[Any, type] = {}
_MODELS: dict[type, type[BaseModel]] = {}
# An input -> its fields for which null means "the model's default".
_NULL_IS_DEFAULT: dict[type, frozenset[str]] = {}


def given_fields(value: Any) -> Any:
    """An input, nested inputs included, with only the fields a client sent (UNSET left out,
    and null where the input takes it as the model's default)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        defaulted = _NULL_IS_DEFAULT.get(type(value), frozenset())
        return {
            name: given_fields(item)
            for name, item in vars(value).items()
            if item is not strawberry.UNSET and not (item is None and name in defaulted)
        }
    if isinstance(value, list):
        return [given_fields(item) for item in value]
    return value


def _plain(annotation: Any) -> Any:
    """A pydantic annotation without its constraints (``Annotated`` metadata)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return functools.reduce(operator.or_, [_plain(a) for a in get_args(annotation)])
    if origin is Literal:
        return type(get_args(annotation)[0])
    if origin is list:
        return list[_plain(get_args(annotation)[0])]  # type: ignore[misc]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in _INPUTS:
            raise TypeError(f"No input made from {annotation.__name__} yet")
        return _INPUTS[annotation]
    return annotation


def input_from(
    model: type[BaseModel],
    *,
    fields: str | None = None,
    partial: bool = False,
    null_is_default: str | bool = False,
    defaults: bool = False,
    description: str | None = None,
) -> Callable[[type[T]], type[T]]:
    """A strawberry input of ``model``'s fields (``fields``, space-separated, picks and orders
    them): required where the model requires them, otherwise nullable and UNSET when not sent
    (all of them when ``partial``); a nested model as the input made from it before. The class
    body may retype or describe a field. GraphQL null for a field with a default means "use
    the default" for the fields ``null_is_default`` names (all of them when True). With
    ``defaults``, a field the model does not require takes the model's default instead, and
    is nullable only where the model takes null.
    ``parsed(value)`` validates a value of the input as the model."""

    names = fields.split() if fields else list(model.model_fields)

    def wrap(cls: type[T]) -> type[T]:
        own = dict(inspect.get_annotations(cls))
        annotations = {}
        for name in names:
            info = model.model_fields[name]
            optional = partial or not info.is_required()
            kind = own.pop(name, None)
            if kind is None:
                kind = _plain(info.annotation)
                kind = kind | None if optional and not defaults else kind
            annotations[name] = kind
            if not optional or name in vars(cls):
                continue
            if not defaults:
                setattr(cls, name, strawberry.UNSET)
            elif info.default_factory is not None:
                setattr(cls, name, strawberry.field(default_factory=info.default_factory))
            else:
                setattr(cls, name, info.default)
        cls.__annotations__ = {**annotations, **own}
        made = strawberry.input(cls, description=description)
        _INPUTS.setdefault(model, made)
        _MODELS[made] = model
        defaulted = null_is_default.split() if isinstance(null_is_default, str) else names
        _NULL_IS_DEFAULT[made] = frozenset(defaulted if null_is_default else ())
        return made

    return wrap


def model_of(kind: Any) -> type[BaseModel] | None:
    """The model an input was made from by ``input_from``; None for any other type."""
    return _MODELS.get(kind) if isinstance(kind, type) else None


def parsed(value: Any) -> Any:
    """A value of an input ``input_from`` made, validated as its model."""
    return _MODELS[type(value)].model_validate(given_fields(value))
