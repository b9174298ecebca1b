"""Impact through GraphQL: the same rules and the same report as through REST."""

from typing import Any

from tests.api.graphql.test_employees_graphql import gql
from tests.api.graphql.test_pair_agreement_graphql import plain_answer
from tests.api.graphql.test_pairs_graphql import error_of
from tests.api.impact_support import impact_program, participants
from tests.api.programs_support import url
from tests.conftest import Tenant

RECORD = """
mutation($p: UUID!, $o: UUID!, $i: Int!, $input: MeasurementInput!) {
  recordIndicatorMeasurement(programId: $p, objectiveId: $o, indicator: $i, input: $input) {
    id value measuredOn source
  }
}
"""
ITEM = """
mutation($p: UUID!, $input: AssessmentItemInput!) {
  createAssessmentItem(programId: $p, input: $input) { id side statement }
}
"""
ANSWER = """
mutation($p: UUID!, $w: AssessmentWave!, $answers: [AnswerInput!]!) {
  answerAssessment(programId: $p, wave: $w, answers: $answers) { itemId wave score }
}
"""
MINE = "query($p: UUID!) { myAssessmentAnswers(programId: $p) { itemId wave score } }"
IMPACT = """
query($p: UUID!) {
  programImpact(programId: $p) {
    programId programName status startsOn endsOn generatedAt minimumGroupSize
    indicators {
      objectiveId objectiveTitle indicator name unit baseline target direction computation
      points { measuredOn value source progress } latestValue latestOn reached note
    }
    learning {
      itemId statement objectiveId side compared respondents shown meanBefore meanAfter
      meanChange ciLow ciHigh pValue improved improvedShare note
    }
    retention {
      startsOn strata method limits note
      participants { size shown retained6m observed6m retention6m retained12m observed12m
                     retention12m moved mobility }
      comparison { size shown retained6m observed6m retention6m retained12m observed12m
                   retention12m moved mobility }
    }
  }
}
"""


def _comparable(report: dict[str, Any]) -> Any:
    found = plain_answer(report)
    found.pop("generated_at")
    for group in ("participants", "comparison"):
        # GraphQL spells retention_6m as retention6m: one shape for both.
        found["retention"][group] = {
            k.replace("6m", "_6m").replace("12m", "_12m").replace("__", "_"): v
            for k, v in found["retention"][group].items()
        }
    return found


async def test_measurements_assessments_and_report_as_through_rest(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    ids = {"p": program["id"], "o": objective["id"]}
    recorded = await gql(
        tenant,
        RECORD,
        ids | {"i": 0, "input": {"value": 50, "measuredOn": "2025-06-30", "source": "Survey"}},
        manager,
    )
    assert recorded["data"]["recordIndicatorMeasurement"]["value"] == 50
    future = await gql(
        tenant, RECORD, ids | {"i": 0, "input": {"value": 1, "measuredOn": "2199-01-01"}}, manager
    )
    assert error_of(future)["status"] == 409
    item = (
        await gql(
            tenant,
            ITEM,
            {"p": program["id"], "input": {"side": "MENTEE", "statement": "I use the tools."}},
            manager,
        )
    )["data"]["createAssessmentItem"]
    mentees = await participants(tenant, program, "mentee", 5)
    for n, person in enumerate(mentees):
        for wave, score in (("BASELINE", 2), ("MID", 2 + n % 3)):
            answered = await gql(
                tenant,
                ANSWER,
                {
                    "p": program["id"],
                    "w": wave,
                    "answers": [{"itemId": item["id"], "score": score}],
                },
                tenant.as_user(person),
            )
            assert answered["data"]["answerAssessment"][0]["score"] == score
    mine = await gql(tenant, MINE, {"p": program["id"]}, tenant.as_user(mentees[1]))
    assert sorted(a["score"] for a in mine["data"]["myAssessmentAnswers"]) == [2, 3]
    assert (await gql(tenant, MINE, {"p": program["id"]}, manager))["data"] == {
        "myAssessmentAnswers": []
    }

    result = await gql(tenant, IMPACT, {"p": program["id"]}, manager)
    report = result["data"]["programImpact"]
    gain = report["learning"][0]
    # Changes 0, 1, 2, 0, 1 against the baseline of 2.
    assert (gain["respondents"], gain["meanChange"], gain["improved"]) == (5, 0.8, 3)
    assert gain["compared"] == "baseline-mid"
    rest = await tenant.client.get(url(program, "impact"), headers=manager)
    assert _comparable(report) == _comparable(rest.json())

    someone = tenant.as_user(await tenant.employee())
    refused = await gql(tenant, IMPACT, {"p": program["id"]}, someone)
    assert error_of(refused)["status"] == 403
