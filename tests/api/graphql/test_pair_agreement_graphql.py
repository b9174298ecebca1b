"""A pair's agreement through GraphQL, answered as REST answers it."""

import re
from datetime import datetime
from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.pairs_support import make_pair
from tests.conftest import Tenant

AGREEMENT = """
fragment Agreement on PairAgreement {
  format cadenceDays channel groundRules confidentiality startsOn updatedAt
  mentorAcknowledgedAt menteeAcknowledgedAt acknowledged
}
"""

WRITE = (
    AGREEMENT
    + """
mutation($pair: UUID!, $version: Int!, $input: PairAgreementInput!) {
  writePairAgreement(pairId: $pair, version: $version, input: $input) {
    id version agreement { ...Agreement } }
}
"""
)

ACKNOWLEDGE = (
    AGREEMENT
    + """
mutation($pair: UUID!, $version: Int) {
  acknowledgePairAgreement(pairId: $pair, version: $version) {
    id version agreement { ...Agreement } }
}
"""
)

READ = (
    AGREEMENT
    + """
query($id: UUID!) { pair(id: $id) { id version agreement { ...Agreement } } }
"""
)

TERMS = {
    "format": "VIDEO",
    "cadenceDays": 10,
    "channel": "Teams",
    "groundRules": "Cameras on; we reschedule a day ahead.",
    "confidentiality": "What is said stays between us.",
    "startsOn": "2027-01-11",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plain_answer(value: Any) -> Any:
    """A GraphQL or REST answer in one shape: snake_case keys, enum values and instants as
    values rather than spellings."""
    if isinstance(value, dict):
        return {_snake(k): plain_answer(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_answer(v) for v in value]
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d\d-\d\dT.*", value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        if re.fullmatch(r"[A-Z_]+", value):
            return value.lower()
    return value


async def test_agreement_is_written_and_acknowledged_as_through_rest(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    pair_id = setup.pair["id"]
    early = await gql(tenant, ACKNOWLEDGE, {"pair": pair_id}, setup.mentor)
    assert error_of(early)["code"] == "no_agreement"
    assert early["data"]["acknowledgePairAgreement"] is None

    stale = await gql(tenant, WRITE, {"pair": pair_id, "version": 7, "input": TERMS}, setup.mentor)
    assert error_of(stale)["code"] == "version_mismatch"
    assert error_of(stale)["current_version"] == 1
    invalid = await gql(
        tenant,
        WRITE,
        {"pair": pair_id, "version": 1, "input": TERMS | {"cadenceDays": 0}},
        setup.mentor,
    )
    assert error_of(invalid)["code"] == "validation_failed"
    assert error_of(invalid)["errors"][0]["field"] == "cadenceDays"
    for outsider, code in (
        (setup.manager, "not_in_pair"),
        (tenant.admin, "not_in_pair"),
        (tenant.as_user(await tenant.employee()), "pair_not_found"),
    ):
        refused = await gql(
            tenant, WRITE, {"pair": pair_id, "version": 1, "input": TERMS}, outsider
        )
        assert error_of(refused)["code"] == code
        assert refused["data"]["writePairAgreement"] is None

    written = await gql(
        tenant, WRITE, {"pair": pair_id, "version": 1, "input": TERMS}, setup.mentor
    )
    pair = written["data"]["writePairAgreement"]
    assert pair["version"] == 2
    agreement = pair["agreement"]
    assert agreement["format"] == "VIDEO"
    assert agreement["cadenceDays"] == 10
    assert agreement["startsOn"] == "2027-01-11"
    assert agreement["updatedAt"] is not None
    assert agreement["acknowledged"] is False

    old = await gql(tenant, ACKNOWLEDGE, {"pair": pair_id, "version": 1}, setup.mentee)
    assert error_of(old)["code"] == "version_mismatch"
    first = await gql(tenant, ACKNOWLEDGE, {"pair": pair_id, "version": 2}, setup.mentee)
    halfway = first["data"]["acknowledgePairAgreement"]["agreement"]
    assert halfway["menteeAcknowledgedAt"] is not None
    assert halfway["mentorAcknowledgedAt"] is None
    assert halfway["acknowledged"] is False
    by_manager = await gql(tenant, ACKNOWLEDGE, {"pair": pair_id}, setup.manager)
    assert error_of(by_manager)["code"] == "not_in_pair"
    both = await gql(tenant, ACKNOWLEDGE, {"pair": pair_id}, setup.mentor)
    acknowledged = both["data"]["acknowledgePairAgreement"]
    assert acknowledged["agreement"]["acknowledged"] is True

    # What GraphQL answers is what REST answers for the same pair.
    rest = await setup.get(headers=setup.manager)
    read = (await gql(tenant, READ, {"id": pair_id}, setup.manager))["data"]["pair"]
    assert read["version"] == rest.json()["version"] == acknowledged["version"]
    assert rest.headers["etag"] == f'"{read["version"]}"'
    assert plain_answer(read["agreement"]) == plain_answer(rest.json()["agreement"])
    assert read["agreement"] == acknowledged["agreement"]

    # Writing it again asks both sides again.
    again = await gql(
        tenant,
        WRITE,
        {"pair": pair_id, "version": read["version"], "input": TERMS | {"cadenceDays": 7}},
        setup.mentee,
    )
    rewritten = again["data"]["writePairAgreement"]["agreement"]
    assert rewritten["cadenceDays"] == 7
    assert rewritten["mentorAcknowledgedAt"] is None
    assert rewritten["menteeAcknowledgedAt"] is None
    assert rewritten["acknowledged"] is False
    rest = await setup.get(headers=setup.mentee)
    assert plain_answer(rewritten) == plain_answer(rest.json()["agreement"])


async def test_an_ended_pair_keeps_its_agreement(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    await setup.move("completed")
    ended = await gql(
        tenant,
        WRITE,
        {"pair": setup.pair["id"], "version": setup.pair["version"], "input": TERMS},
        setup.mentor,
    )
    assert error_of(ended)["code"] == "pair_ended"
    assert error_of(ended)["status"] == 409
