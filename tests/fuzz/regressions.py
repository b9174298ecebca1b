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
    path_parameters: dict[str, Any] = field(default_factory=dict)


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
    # Found by `negative_data_rejection`: values of another type than the schema's were
    # converted and taken.
    Found(
        "POST",
        "/api/v1/programs",
        "201: epoch seconds were taken as a date",
        body={"name": "0", "starts_on": 0, "ends_on": "2000-01-01"},
        status=422,
    ),
    Found(
        "POST",
        "/api/v1/programs",
        "201: false was stored as the minimum score 0",
        body={"name": "0", "matching_settings": {"minimum_score": False}},
        status=422,
    ),
    Found(
        "GET",
        "/api/v1/employees",
        "200: a limit written '5.0' was read as 5",
        query={"limit": "5.0"},
        status=422,
    ),
    Found(
        "POST",
        "/graphql",
        "200: an operationName of another type than text ran the query",
        body={"query": "0", "operationName": 0},
        status=400,
    ),
    # Found by `positive_data_acceptance`: requests that fit the schema were refused as if
    # they did not (422), because the server checked more than the schema said.
    Found(
        "GET",
        "/api/v1/api-keys",
        "422: a cursor no list handed out is malformed, not invalid (AIP-158)",
        query={"cursor": "0" * 40},
        status=400,
    ),
    Found(
        "POST",
        "/api/v1/workshops",
        "422: an end before the start breaks a business rule the schema cannot state",
        body={
            "title": "0",
            "starts_at": "2030-01-02T00:00:00Z",
            "ends_at": "2030-01-01T00:00:00Z",
            "capacity": 1,
        },
        status=409,
    ),
    Found(
        "POST",
        "/api/v1/webhook-subscriptions",
        "422: an event type's shape was checked but not published (now a pattern)",
        body={"url": "https://hooks.example/in", "event_types": [""]},
        status=422,
    ),
    Found(
        "POST",
        "/api/v1/employees",
        "422: e-mail domains reserved for tests were refused; the schema now states the shape",
        body={
            "email": "pv1%d@g.test",
            "given_name": "G",
            "family_name": "T",
            "timezone": "Africa/Kigali",
            "languages": ["dQZ-j3-ZhP_n8N"],
        },
    ),
    Found(
        "POST",
        "/api/v1/programs/{program_id}/participants",
        "422: a topic's name was checked but not published (now the keys' pattern)",
        body={"role": "mentor", "teaches": {"\u00a2\U0001fb24\u00e8": 3}},
        path_parameters={"program_id": "8da335d6-684c-3db2-b6ca-a0ccda67fdfc"},
        status=422,
    ),
    Found(
        "POST",
        "/graphql",
        "400: an empty query fits a schema that did not say it must not be empty",
        body={"operationName": "", "query": "", "variables": None},
        status=400,
    ),
    Found(
        "GET",
        "/api/v1/audit-log",
        "200: a single-valued parameter given twice kept one value and dropped the other",
        query={"action": ["a", "b"]},
        status=422,
    ),
    Found(
        "POST",
        "/api/v1/employees",
        "422 unstorable_value on PostgreSQL: a NUL in text fitted the schema; now it does not",
        body={"email": "nul.in.text@example.com", "given_name": "?", "family_name": "R\u0000R"},
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
