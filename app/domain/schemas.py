"""Shared bases and field types for the API schemas every module declares."""

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Any, ClassVar, TypeVar

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
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


def _json_kind(value: Any) -> type:
    # bool before int: in Python, True == 1.
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind
    return type(value)


def _of_the_literal_kinds(expected: list[Any]) -> Callable[[Any], Any]:
    kinds = {_json_kind(value) for value in expected}
    shown = ", ".join(repr(value) for value in expected)

    def check(value: Any) -> Any:
        # A literal `true` is not 1, and a literal 1 is not "1".
        if _json_kind(value) not in kinds:
            raise PydanticCustomError(
                "literal_error", "Input should be {expected}", {"expected": shown}
            )
        return value

    return check


# Text the service can store: PostgreSQL's text holds no NUL character, so the schema says so
# of every text that has no pattern of its own (those exclude it themselves).
NO_NUL_PATTERN = r"^[^\x00]*$"

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


def _as_json_types(node: Any, *, key: bool = False) -> Any:
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
        return {name: _as_json_types(value) for name, value in node.items()}
    copied = {
        name: _as_json_types(value, key=name == "keys_schema") if name in _INNER else value
        for name, value in node.items()
    }
    kind = node["type"]
    if kind in _JSON_SCALARS:
        copied["strict"] = True
        # (A mapping's keys stay free: a key pattern would not bound the keys in the schema.)
        if kind == "str" and "pattern" not in copied and not key:
            copied["pattern"] = NO_NUL_PATTERN
    elif kind == "int":
        return core_schema.no_info_before_validator_function(_a_number, copied)
    elif kind == "literal":
        check = _of_the_literal_kinds(list(node["expected"]))
        return core_schema.no_info_before_validator_function(check, copied)
    elif kind in _TEMPORAL:
        return core_schema.no_info_before_validator_function(_not_a_number(kind), copied)
    return copied


def _not_nullable(schema: Any, names: frozenset[str]) -> Any:
    """``schema`` (a model's) where the fields ``names`` may be left out but not sent as null."""
    fields_of = schema.get("schema", {})
    if fields_of.get("type") != "model-fields":
        return schema
    fields = dict(fields_of["fields"])
    for name in names:
        fields[name] = {**fields[name], "schema": _without_null(fields[name]["schema"])}
    return {**schema, "schema": {**fields_of, "fields": fields}}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    # The field's default, its validators, then the nullable type: keep all but the null.
    if schema.get("type") == "nullable":
        return dict(schema["schema"])
    if schema.get("type") in ("default", "function-after", "function-before", "function-wrap"):
        return {**schema, "schema": _without_null(schema["schema"])}
    raise TypeError(f"not a nullable field: {schema.get('type')}")


def _accept_json_types_only(model: type[BaseModel]) -> None:
    """Validate ``model`` with :func:`_as_json_types` of its schema, in every mode and from
    every caller (FastAPI, GraphQL resolvers, the domain's own code, parent models)."""
    schema = model.__dict__.get("__pydantic_core_schema__")
    if not isinstance(schema, dict) or not model.__dict__.get("__pydantic_complete__"):
        return  # not complete yet (forward references): never the case of our inputs
    strict = _as_json_types(schema)
    never_null: frozenset[str] = getattr(model, "never_null", frozenset())
    if never_null:
        strict = _not_nullable(strict, never_null)
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

    # Fields of a partial update that may be left out (unchanged) but not cleared: the schema
    # says they are not nullable, and a null is refused like any value of another type.
    never_null: ClassVar[frozenset[str]] = frozenset()

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


class ReadSchema(SQLModel):
    """An answer's model, declared rather than mapped: ``XRead.model_validate(row)`` reads it
    from the row's attributes. A field named otherwise than its column reads the column
    through ``validation_alias`` (the field's own name is still accepted, and is the one
    published)."""

    model_config = SQLModel.model_config | {
        "from_attributes": True,
        "validate_by_alias": True,
        "validate_by_name": True,
    }


# Shared parts of read models. Pydantic lists a model's fields base by base, the last base
# first, so ``class XRead(VersionedSchema, XReadFields, IdSchema)`` publishes the id first, then
# the model's own fields (declared in ``XReadFields``), then the timestamps and the version.


class IdSchema(ReadSchema):
    id: uuid.UUID


class TimestampedSchema(ReadSchema):
    created_at: datetime
    updated_at: datetime


class VersionedSchema(TimestampedSchema):
    """A row changed under optimistic concurrency: ``version`` is its ETag."""

    version: int


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


def _distinct(values: list[Any]) -> list[Any]:
    """The values in their order, each once."""
    return list(dict.fromkeys(values))


# A topic tag as sent: letters, digits, '+', '#', '.', '-' and spaces (which become '-'),
# starting with a letter or digit; stored lower-case.
TOPIC_TAG_PATTERN = r"^ *[A-Za-z0-9][A-Za-z0-9+#. -]*$"
TopicTag = Annotated[
    str,
    StringConstraints(max_length=50, pattern=TOPIC_TAG_PATTERN),
    AfterValidator(lambda raw: "-".join(raw.lower().split())),
]
"""A topic tag ('Generative AI' is stored as 'generative-ai')."""
TopicTags = Annotated[list[TopicTag], AfterValidator(_distinct)]

# A BCP 47 language tag as sent ('en', 'pt-BR', 'zh_Hant'); stored lower-case with '-'.
LANGUAGE_TAG_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[
    str,
    StringConstraints(max_length=35, pattern=LANGUAGE_TAG_PATTERN),
    AfterValidator(lambda raw: raw.lower().replace("_", "-")),
]
LanguageTags = Annotated[list[LanguageTag], AfterValidator(_distinct)]

# The IANA time zones of the tzdata release the service ships with: published in the
# OpenAPI document as the `TimeZone` enumeration, so the same on every machine.
TIME_ZONES: tuple[str, ...] = tuple(
    sorted(set(resources.files("tzdata").joinpath("zones").read_text().split()))
)
_TIME_ZONE_SET = frozenset(TIME_ZONES)


def _constant_name(zone: str) -> str:
    """``Etc/GMT+1`` -> ``ETC_GMT_PLUS_1``: a name a code generator can give the value."""
    if re.search(r"[+-]\d", zone):
        zone = zone.replace("+", "_PLUS_").replace("-", "_MINUS_")
    return re.sub(r"[^A-Za-z0-9]+", "_", zone).strip("_").upper()


TIME_ZONE_SCHEMA = {
    "type": "string",
    "enum": list(TIME_ZONES),
    # Generators name enumeration members after their values, and GMT+0, GMT-0 and GMT0
    # would all become GMT0: the names are given, unique.
    "x-enum-varnames": [_constant_name(zone) for zone in TIME_ZONES],
    "description": "An IANA time zone, such as Europe/Paris or UTC.",
}


def _time_zone(value: str) -> str:
    if value not in _TIME_ZONE_SET:
        raise PydanticCustomError(
            "time_zone",
            "{value!r} is not an IANA time zone such as 'Europe/Paris'",
            {"value": value},
        )
    return value


# Marks the field's schema; the OpenAPI document refers each to one `TimeZone` component
# rather than repeating the ~600 names (app/main.py).
TIME_ZONE_MARK = "x-time-zone"
TimeZoneName = Annotated[
    str,
    AfterValidator(_time_zone),
    WithJsonSchema({"type": "string", TIME_ZONE_MARK: True}),
]
"""An IANA time zone name (the `TimeZone` enumeration of the OpenAPI document)."""


_T = TypeVar("_T")


def _no_repeats(values: list[_T]) -> list[_T]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("unique_items", "Each item may appear once")
    return values


class _UniqueItems:
    """Says in the JSON Schema what :func:`_no_repeats` enforces."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        generated = handler(schema)
        generated["uniqueItems"] = True
        return generated


UniqueList = Annotated[list[_T], AfterValidator(_no_repeats), _UniqueItems()]


class _KeysOnly:
    """Says in the JSON Schema that a mapping's keys must all match its key pattern (pydantic
    writes `patternProperties`, which lets other keys through unchecked)."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        generated = handler(schema)
        patterns = generated.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            generated["propertyNames"] = {**generated.get("propertyNames", {}), "pattern": pattern}
            generated["additionalProperties"] = values
        return generated


TopicLevels = Annotated[dict[TopicTag, Annotated[int, Interval(ge=1, le=5)]], _KeysOnly()]
"""Topics with a level from 1 to 5: `{"generative-ai": 4}`."""
"""A list whose items may each appear once (JSON Schema's ``uniqueItems``)."""


# An address the service calls (a webhook, a JWKS): HTTPS, or plain HTTP to this very
# machine for development; a host name or an IPv4 address, no credentials.
HTTPS_URL_PATTERN = (
    r"^(?:https://[A-Za-z0-9.-]+|http://(?:localhost|127\.0\.0\.1|\[::1\]))"
    r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
)
HttpsUrl = Annotated[str, StringConstraints(pattern=HTTPS_URL_PATTERN)]


# An e-mail address as the directory takes it: a dot-atom local part (RFC 5322's atext),
# '@', and a domain of at least two labels ending in letters. Published as a pattern (not
# JSON Schema's looser `email` format), so that clients know exactly what is taken; stored
# lower-case.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
EmailAddress = Annotated[
    str,
    StringConstraints(max_length=320, pattern=EMAIL_PATTERN),
    AfterValidator(str.lower),
]
"""An e-mail address, e.g. grace.hopper@example.com."""


def request_examples(*bodies: dict[str, Any]) -> Any:
    """The ``model_config`` of a request body with realistic examples, written as a client
    would send them: the OpenAPI document publishes them as the schema's ``examples``, and
    Swagger UI's "Try it out" starts from the first. Identifiers come from
    :mod:`app.domain.examples`; tests/api/test_request_examples.py sends every example.

    (Typed ``Any``: SQLModel types ``model_config`` with a class it does not export. Pydantic
    merges it with the base's configuration, so the input rules of the base still apply.)"""
    return ConfigDict(json_schema_extra={"examples": list(bodies)})
