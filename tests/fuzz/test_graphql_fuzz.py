"""Property-based fuzzing of every GraphQL query and mutation field, against a live server.

Schemathesis reads the service's own schema, generates valid queries with random arguments
for each field, and sends them with an admin key: the answer must never be a server error,
and every error must carry a code in ``extensions.code``.
"""

from typing import Any

import httpx
import pytest
import schemathesis

from app.api.graphql.schema import schema as graphql_schema
from tests.conftest import LiveServer
from tests.fuzz import FUZZ_SETTINGS, REQUEST_TIMEOUT
from tests.fuzz.regressions import GRAPHQL, FoundInGraphQL

schema = schemathesis.graphql.from_dict({"data": graphql_schema.introspect()})


@pytest.fixture(scope="session")
def graphql_headers(live_server: LiveServer) -> dict[str, str]:
    _organization_id, token = live_server.new_organization("GraphQL fuzz")
    return {"Authorization": f"Bearer {token}"}


def check_answer(response: Any) -> None:
    # Schemathesis counts any GraphQL error as a server error; here a refused request (an
    # unknown id, an invalid input) is fine as long as it says why with a stable code.
    assert response.status_code == 200, response.text
    for error in response.json().get("errors") or []:
        code = error.get("extensions", {}).get("code")
        assert code, error
        assert code != "internal_error", error


@pytest.mark.parametrize("found", GRAPHQL, ids=lambda found: found.why.split(":")[0])
def test_what_was_found_once_stays_fixed(
    found: FoundInGraphQL, live_server: LiveServer, graphql_headers: dict[str, str]
) -> None:
    response = httpx.post(
        f"{live_server.url}/graphql",
        json={"query": found.query, "variables": found.variables},
        headers=graphql_headers,
        timeout=REQUEST_TIMEOUT,
    )
    check_answer(response)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_field(case: Any, live_server: LiveServer, graphql_headers: dict[str, str]) -> None:
    check_answer(
        case.call(
            base_url=f"{live_server.url}/graphql", headers=graphql_headers, timeout=REQUEST_TIMEOUT
        )
    )
