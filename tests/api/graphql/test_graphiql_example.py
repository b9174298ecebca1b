"""GraphiQL opens on an example that works: valid against the schema, useful with a token."""

import json
import re

from graphql import parse, validate

from app.api.graphql.ide import EXAMPLE_HEADERS, EXAMPLE_QUERY
from app.api.graphql.schema import schema
from tests.api.graphql.test_employees_graphql import gql
from tests.api.pairs_support import make_pair
from tests.conftest import Tenant


def test_the_example_is_valid_against_the_schema() -> None:
    assert validate(schema._schema, parse(EXAMPLE_QUERY)) == []
    assert "Authorization" in json.loads(EXAMPLE_HEADERS)


async def test_the_page_opens_on_the_example_and_a_headers_template(tenant: Tenant) -> None:
    page = await tenant.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert json.dumps(EXAMPLE_QUERY) in page.text
    assert json.dumps(EXAMPLE_HEADERS) in page.text
    assert "Welcome to GraphiQL" not in page.text
    assert not re.search(r"https?://unpkg\.com", page.text)


async def test_the_example_shows_a_mentor_their_pair(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await setup.log(summary="We set up a shared board")
    answer = await gql(tenant, EXAMPLE_QUERY, {}, setup.mentor)
    assert "errors" not in answer, answer
    [edge] = answer["data"]["pairs"]["edges"]
    assert edge["node"]["progress"]["sessions"] == 1
    assert edge["node"]["lastLogs"][0]["summary"] == "We set up a shared board"
    assert answer["data"]["viewer"]["employee"]["givenName"]
