"""Shared bases and field types for the API schemas every module declares."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError, SchemaValidator, core_schema
from sqlmodel import SQLModel

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

# What the published schema states and the server enforces, so that clients, code generators
# and fuzzers know the accepted shape and range: RFC 3339, years 1900 to 2200.
_YEAR = r"(19\d\d|2[01]\d\d|2200)"
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
DATE_PATTERN = rf"^{_YEAR}-{_DAY}$"
DATE_TIME_PATTERN = (
    rf"^{_YEAR}-{_DAY}[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{{1,6}})?"
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)


def _not_a_number(kind: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # JSON carries dates and times as text: a number (epoch seconds) is a different type.
        if isinstance(value, int | float):
            raise PydanticCustomError(
                f"{kind}_type", "Input should be text in ISO 8601 format, not a number"
            )
        return value

    return check


def _a_number(value: Any) -> Any:
    # JSON Schema's integers are numbers without a fraction (3 or 3.0), never text or booleans.
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# JSON's own scalar types: their values must arrive as exactly that type.
_JSON_SCALARS = frozenset({"float", "bool", "str"})
_TEMPORAL = frozenset({"datetime", "date", "time", "timedelta"})
# Members of a core schema that hold the schemas validating parts of the input.
_INNER = frozenset(
    {
        "schema",
        "items_schema",
        "keys_schema",
        "values_schema",
        "lax_schema",
        "strict_schema",
        "json_schema",
        "python_schema",
        "fields",
        "choices",
        "steps",
        "definitions",
    }
)


def _as_json_types(node: Any) -> Any:
    """A copy of a core schema that accepts each value only in the type the published JSON
    Schema gives it: no boolean or numeric text as a number, no number or text as a boolean,
    no number as a date or time (an integer may be written 3.0, as JSON Schema says).

    Values that JSON can only carry as text (identifiers, dates, enumerations) are still read
    from text, and from their own Python type (GraphQL's scalars parse them before the domain
    sees them)."""
    if isinstance(node, list | tuple):
        return type(node)(_as_json_types(item) for item in node)
    if not isinstance(node, dict):
        return node
    if "type" not in node:  # names to schemas: a model's fields, a tagged union's choices
        return {key: _as_json_types(value) for key, value in node.items()}
    copied = {key: _as_json_types(v) if key in _INNER else v for key, v in node.items()}
    kind = node["type"]
    if kind in _JSON_SCALARS:
        copied["strict"] = True
    elif kind == "int":
        return core_schema.no_info_before_validator_function(_a_number, copied)
    elif kind in _TEMPORAL:
        return core_schema.no_info_before_validator_function(_not_a_number(kind), copied)
    return copied


def _accept_json_types_only(model: type[BaseModel]) -> None:
    """Validate ``model`` with :func:`_as_json_types` of its schema, in every mode and from
    every caller (FastAPI, GraphQL resolvers, the domain's own code, parent models)."""
    schema = model.__dict__.get("__pydantic_core_schema__")
    if not isinstance(schema, dict) or not model.__dict__.get("__pydantic_complete__"):
        return  # not complete yet (forward references): never the case of our inputs
    strict = _as_json_types(schema)
    # A complete model's schema is otherwise validated by the validator already in place.
    model.__pydantic_complete__ = False
    try:
        validator = SchemaValidator(strict, schema.get("config"))
    finally:
        model.__pydantic_complete__ = True
    model.__pydantic_core_schema__ = strict
    model.__pydantic_validator__ = validator


class InputSchema(SQLModel):
    """A request body (REST's, and GraphQL's inputs validated by the same models).

    An unknown field is an error (a typo must not be silently dropped), and a value of
    another type than the published schema's is refused rather than converted: ``false`` is
    not the number 0, ``"5"`` is not 5, ``1`` is not ``true`` and epoch seconds are not a
    time. Nested objects are :class:`InputPart` models, under the same rules.
    """

    model_config = SQLModel.model_config | {"extra": "forbid", "allow_inf_nan": False}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _accept_json_types_only(cls)


class InputPart(BaseModel):
    """An object nested in request bodies (and often in answers too): the rules of
    :class:`InputSchema`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _accept_json_types_only(cls)


_D = TypeVar("_D", bound=date)


def _within_range(value: _D) -> _D:
    # A year outside this range is a typo in this domain, and before year 1 a UTC conversion
    # would not even exist.
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _aware_within_range(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone, e.g. 2027-01-01T09:00:00Z")
    return _within_range(value)


def _shaped(pattern: str, example: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        # Text must have the published shape; values already parsed (GraphQL's scalars) pass.
        if isinstance(value, str) and not compiled.match(value):
            raise ValueError(
                f"must look like {example}, in the years {EARLIEST_YEAR} to {LATEST_YEAR}"
            )
        return value

    return BeforeValidator(check)


Timestamp = Annotated[
    datetime,
    _shaped(DATE_TIME_PATTERN, "2027-01-01T09:00:00Z"),
    AfterValidator(_aware_within_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]
"""An input instant: RFC 3339 with a time zone, in the years 1900 to 2200."""

CalendarDate = Annotated[
    date,
    _shaped(DATE_PATTERN, "2027-01-31"),
    AfterValidator(_within_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
"""An input calendar date (YYYY-MM-DD), in the years 1900 to 2200."""
