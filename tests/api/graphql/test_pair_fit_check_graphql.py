"""The fit check through GraphQL, answered as REST answers it, and batched on pairs."""

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.pairs_support import make_pair
from tests.api.rest.test_pair_fit_check import confirmed_session
from tests.conftest import StatementCounter, Tenant

SIDE = "side answered answer note answeredAt"
FIT = f"pairId dueSince open yourSide mismatchReviewedAt mentor {{ {SIDE} }} mentee {{ {SIDE} }}"
ANSWER = f"""
mutation($pair: UUID!, $answer: PairFitAnswer!, $note: String) {{
  answerPairFitCheck(pairId: $pair, answer: $answer, note: $note) {{ {FIT} }}
}}
"""
REVIEW = f"mutation($pair: UUID!) {{ reviewPairMismatch(pairId: $pair) {{ {FIT} }} }}"
ON_PAIR = f"query($id: UUID!) {{ pair(id: $id) {{ status endReason fitCheck {{ {FIT} }} }} }}"
ON_PAIRS = f"{{ pairs(first: 50) {{ edges {{ node {{ id fitCheck {{ {FIT} }} }} }} }} }}"


async def test_answer_read_and_review_as_through_rest(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    pair_id = setup.pair["id"]
    early = await gql(tenant, ANSWER, {"pair": pair_id, "answer": "GOOD_FIT"}, setup.mentee)
    assert error_of(early)["code"] == "fit_check_not_due"
    assert error_of(early)["status"] == 409
    await confirmed_session(setup)
    too_long = {"pair": pair_id, "answer": "UNSURE", "note": "x" * 2001}
    assert error_of(await gql(tenant, ANSWER, too_long, setup.mentee))["status"] == 422
    by_manager = await gql(tenant, ANSWER, {"pair": pair_id, "answer": "UNSURE"}, setup.manager)
    assert error_of(by_manager)["status"] == 403

    given = {"pair": pair_id, "answer": "NOT_A_FIT", "note": "Manager eyes only"}
    answered = (await gql(tenant, ANSWER, given, setup.mentee))["data"]["answerPairFitCheck"]
    assert answered["mentee"]["answer"] == "NOT_A_FIT"
    assert answered["yourSide"] == "mentee"

    seen = (await gql(tenant, ON_PAIR, {"id": pair_id}, setup.mentor))["data"]["pair"]
    assert (seen["status"], seen["endReason"]) == ("ENDED_EARLY", "MISMATCH")
    assert seen["fitCheck"]["mentee"] == {
        "side": "mentee",
        "answered": None,
        "answer": None,
        "note": None,
        "answeredAt": None,
    }
    managed = (await gql(tenant, ON_PAIR, {"id": pair_id}, setup.manager))["data"]["pair"]
    assert managed["fitCheck"]["mentee"]["note"] == "Manager eyes only"

    not_theirs = await gql(tenant, REVIEW, {"pair": pair_id}, setup.mentor)
    assert error_of(not_theirs)["code"] == "not_program_manager"
    reviewed = await gql(tenant, REVIEW, {"pair": pair_id}, setup.manager)
    review = reviewed["data"]["reviewPairMismatch"]
    assert (review["pairId"], review["mentee"]["answer"]) == (pair_id, "NOT_A_FIT")
    assert review["mismatchReviewedAt"] is not None
    after = (await gql(tenant, ON_PAIR, {"id": pair_id}, setup.manager))["data"]["pair"]
    assert after["fitCheck"]["mismatchReviewedAt"] == review["mismatchReviewedAt"]
    assert managed["fitCheck"]["mismatchReviewedAt"] is None


async def test_fit_checks_of_a_page_of_pairs_cost_the_same_statements(
    tenant: Tenant, count_statements: StatementCounter
) -> None:
    setup = await make_pair(tenant)
    await confirmed_session(setup)

    async def cost() -> int:
        count_statements.statements.clear()
        answer = await gql(tenant, ON_PAIRS, headers=setup.manager)
        assert "errors" not in answer, answer
        return count_statements.count

    one = await cost()
    for _ in range(3):
        await make_pair(tenant, program=setup.program, manager=setup.manager)
    assert await cost() == one
