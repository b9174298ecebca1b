"""Shared bases and field types for the API schemas every module declares."""

import re
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
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


class InputSchema(SQLModel):
    """A request body: an unknown field is an error (a typo must not be silently dropped)."""

    model_config = SQLModel.model_config | {"extra": "forbid"}


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
