"""A pair's feedback through GraphQL, answered as REST answers it."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pair_agreement_graphql import plain_answer
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.pairs_support import make_pair, pair_url
from tests.conftest import Tenant

FEEDBACK = """
fragment Feedback on PairFeedback {
  id pairId programId employeeId side stage rating whatWorked whatToImprove wouldRecommend
  createdAt
}
"""

SUBMIT = (
    FEEDBACK
    + """
mutation($pair: UUID!, $input: PairFeedbackInput!) {
  submitPairFeedback(pairId: $pair, input: $input) { ...Feedback }
}
"""
)

LIST = FEEDBACK + "query($pair: UUID!) { pairFeedback(pairId: $pair) { ...Feedback } }"


async def test_feedback_once_per_stage_and_own_answers_as_through_rest(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    pair_id = setup.pair["id"]
    answer = {"stage": "MID", "rating": 4, "whatWorked": "Honesty", "wouldRecommend": 9}
    created = await gql(tenant, SUBMIT, {"pair": pair_id, "input": answer}, setup.mentee)
    mentee_answer = created["data"]["submitPairFeedback"]
    assert mentee_answer["side"] == "mentee"
    assert mentee_answer["stage"] == "MID"
    assert mentee_answer["whatWorked"] == "Honesty"
    assert mentee_answer["whatToImprove"] is None
    assert mentee_answer["employeeId"] == setup.mentee_employee["id"]

    twice = await gql(tenant, SUBMIT, {"pair": pair_id, "input": answer}, setup.mentee)
    assert error_of(twice)["code"] == "feedback_already_given"
    assert error_of(twice)["status"] == 409
    out_of_range = await gql(
        tenant, SUBMIT, {"pair": pair_id, "input": answer | {"wouldRecommend": 11}}, setup.mentor
    )
    assert error_of(out_of_range)["code"] == "validation_failed"
    by_manager = await gql(tenant, SUBMIT, {"pair": pair_id, "input": answer}, setup.manager)
    assert error_of(by_manager)["status"] == 403
    stranger = tenant.as_user(await tenant.employee())
    hidden = await gql(tenant, SUBMIT, {"pair": pair_id, "input": answer}, stranger)
    assert error_of(hidden)["code"] == "pair_not_found"

    mentor_answer = {"stage": "MID", "rating": 2, "wouldRecommend": 3}
    await gql(tenant, SUBMIT, {"pair": pair_id, "input": mentor_answer}, setup.mentor)

    async def seen(headers: dict[str, str]) -> list[dict[str, Any]]:
        result = await gql(tenant, LIST, {"pair": pair_id}, headers)
        found: list[dict[str, Any]] = result["data"]["pairFeedback"]
        rest = await tenant.client.get(pair_url(setup.pair, "feedback"), headers=headers)
        assert rest.status_code == 200, rest.text
        assert plain_answer(found) == plain_answer(rest.json())
        return found

    assert [f["rating"] for f in await seen(setup.mentor)] == [2]
    assert await seen(setup.mentee) == [mentee_answer]
    assert sorted(f["rating"] for f in await seen(setup.manager)) == [2, 4]
    assert sorted(f["side"] for f in await seen(tenant.admin)) == ["mentee", "mentor"]
    refused = await gql(tenant, LIST, {"pair": pair_id}, stranger)
    assert error_of(refused)["code"] == "pair_not_found"
    assert refused["data"] is None


async def test_a_proposed_pair_takes_no_feedback_and_manager_reads_are_audited(
    tenant: Tenant,
) -> None:
    setup = await make_pair(tenant, activate=False)
    answer = {"stage": "END", "rating": 5, "wouldRecommend": 10}
    early = await gql(tenant, SUBMIT, {"pair": setup.pair["id"], "input": answer}, setup.mentor)
    assert error_of(early)["code"] == "pair_proposed"
    own = await gql(tenant, LIST, {"pair": setup.pair["id"]}, setup.mentor)
    assert own["data"]["pairFeedback"] == []
    listed = await gql(tenant, LIST, {"pair": setup.pair["id"]}, setup.manager)
    assert listed["data"]["pairFeedback"] == []
    # The manager's read is audited, as through REST; the pair's own reads are not.
    entries = await tenant.client.get(
        "/api/v1/audit-log", params={"subject_id": setup.pair["id"]}, headers=tenant.admin
    )
    assert entries.status_code == 200, entries.text
    assert [e["action"] for e in entries.json()["items"]] == ["pair_feedback.read"]
