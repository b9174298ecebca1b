"""Requests that once broke the service, replayed on every run with the fuzzers' checks.

Each entry is what a fuzzer (or an outside client) found: the operation, the request, and
what was wrong. Keep them: a fix that comes undone fails here first, whatever the random
cases of the day.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Found:
    method: str
    path: str
    why: str
    body: Any = None
    query: dict[str, Any] = field(default_factory=dict)
    status: int | None = None  # the status it must get now, when a single one is right


REST: list[Found] = [
    Found(
        "POST",
        "/api/v1/workshops",
        "500: converting a time before year 1 to UTC overflowed",
        body={
            "title": "0",
            "starts_at": "0001-01-01T00:00:00+01:00",
            "ends_at": "2030-01-01T00:00:00Z",
            "capacity": 1,
        },
        status=422,
    ),
    Found(
        "POST",
        "/api/v1/api-keys",
        "500: an expiry past year 9999 in UTC overflowed",
        body={"name": "0", "scopes": ["read"], "expires_at": "9999-12-31T23:59:59-14:00"},
        status=422,
    ),
]


@dataclass(frozen=True)
class FoundInGraphQL:
    why: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)


GRAPHQL: list[FoundInGraphQL] = [
    FoundInGraphQL(
        "internal_error on PostgreSQL: a NUL character in a text the database cannot store",
        "mutation ($input: ProgramCreateInput!) { createProgram(input: $input) { id } }",
        {"input": {"name": "\x00"}},
    ),
]
