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


MEASUREMENTS = """
query($p: UUID!, $o: UUID!, $i: Int!, $first: Int, $after: String) {
  indicatorMeasurements(programId: $p, objectiveId: $o, indicator: $i, first: $first, after: $after) {
    nodes { id objectiveId indicator value measuredOn }
    pageInfo { hasNextPage endCursor }
  }
}
"""
DELETE_MEASUREMENT = """
mutation($p: UUID!, $id: UUID!) { deleteIndicatorMeasurement(programId: $p, id: $id) }
"""


async def test_measurements_come_in_pages_per_indicator_and_are_deleted(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    ids = {"p": program["id"], "o": objective["id"]}
    recorded = {}
    for indicator, value, measured_on in (
        (0, 30, "2025-03-31"),
        (0, 10, "2025-01-31"),
        (1, 25, "2025-02-15"),
        (0, 20, "2025-02-28"),
    ):
        made = await gql(
            tenant,
            RECORD,
            ids | {"i": indicator, "input": {"value": value, "measuredOn": measured_on}},
            manager,
        )
        recorded[value] = made["data"]["recordIndicatorMeasurement"]["id"]

    first = await gql(tenant, MEASUREMENTS, ids | {"i": 0, "first": 2}, manager)
    page = first["data"]["indicatorMeasurements"]
    assert [(m["value"], m["measuredOn"]) for m in page["nodes"]] == [
        (10, "2025-01-31"),
        (20, "2025-02-28"),
    ]
    assert {(m["objectiveId"], m["indicator"]) for m in page["nodes"]} == {(objective["id"], 0)}
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = await gql(tenant, MEASUREMENTS, ids | {"i": 0, "first": 2, "after": after}, manager)
    rest = second["data"]["indicatorMeasurements"]
    assert [m["value"] for m in rest["nodes"]] == [30]
    assert rest["pageInfo"]["hasNextPage"] is False
    other = await gql(tenant, MEASUREMENTS, ids | {"i": 1}, manager)
    assert [m["id"] for m in other["data"]["indicatorMeasurements"]["nodes"]] == [recorded[25]]

    deleted = await gql(
        tenant, DELETE_MEASUREMENT, {"p": program["id"], "id": recorded[20]}, manager
    )
    assert deleted["data"] == {"deleteIndicatorMeasurement": True}
    left = await gql(tenant, MEASUREMENTS, ids | {"i": 0}, manager)
    assert [m["value"] for m in left["data"]["indicatorMeasurements"]["nodes"]] == [10, 30]
    again = await gql(tenant, DELETE_MEASUREMENT, {"p": program["id"], "id": recorded[20]}, manager)
    assert error_of(again)["code"] == "measurement_not_found"


BIND = """
mutation($p: UUID!, $o: UUID!, $i: Int!, $input: BindingInput!, $version: Int) {
  bindIndicator(programId: $p, objectiveId: $o, indicator: $i, input: $input, version: $version) {
    objectiveId indicator computation topic version
  }
}
"""
UNBIND = """
mutation($p: UUID!, $o: UUID!, $i: Int!) {
  unbindIndicator(programId: $p, objectiveId: $o, indicator: $i)
}
"""
COMPUTATIONS = "query($p: UUID!) { programImpact(programId: $p) { indicators { computation } } }"


async def _computations(tenant: Tenant, program_id: str, headers: dict[str, str]) -> list[Any]:
    found = await gql(tenant, COMPUTATIONS, {"p": program_id}, headers)
    return [i["computation"] for i in found["data"]["programImpact"]["indicators"]]


async def test_an_indicator_is_bound_rebound_and_unbound(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    ids = {"p": program["id"], "o": objective["id"], "i": 1}
    bound = await gql(tenant, BIND, ids | {"input": {"computation": "PAIRS_MET_CADENCE"}}, manager)
    assert bound["data"]["bindIndicator"] == {
        "objectiveId": objective["id"],
        "indicator": 1,
        "computation": "PAIRS_MET_CADENCE",
        "topic": None,
        "version": 1,
    }
    assert await _computations(tenant, program["id"], manager) == [None, "PAIRS_MET_CADENCE"]

    by_topic = {"computation": "MENTEES_LOGGED_TOPIC", "topic": "ai"}
    rebound = await gql(tenant, BIND, ids | {"input": by_topic, "version": 1}, manager)
    assert rebound["data"]["bindIndicator"]["computation"] == "MENTEES_LOGGED_TOPIC"
    assert rebound["data"]["bindIndicator"]["topic"] == "ai"
    assert rebound["data"]["bindIndicator"]["version"] == 2
    stale = await gql(tenant, BIND, ids | {"input": by_topic, "version": 1}, manager)
    assert error_of(stale)["code"] == "version_mismatch"
    assert await _computations(tenant, program["id"], manager) == [None, "MENTEES_LOGGED_TOPIC"]

    unbound = await gql(tenant, UNBIND, ids, manager)
    assert unbound["data"] == {"unbindIndicator": True}
    assert await _computations(tenant, program["id"], manager) == [None, None]
    again = await gql(tenant, UNBIND, ids, manager)
    assert error_of(again)["code"] == "binding_not_found"


ITEMS = (
    "query($p: UUID!) { assessmentItems(programId: $p) { id programId side statement position } }"
)
DELETE_ITEM = "mutation($p: UUID!, $id: UUID!) { deleteAssessmentItem(programId: $p, id: $id) }"


async def test_assessment_items_are_listed_and_deleted(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant)
    made = []
    for side, statement in (("MENTEE", "I use the tools."), ("MENTOR", "I explain calmly.")):
        created = await gql(
            tenant,
            ITEM,
            {"p": program["id"], "input": {"side": side, "statement": statement}},
            manager,
        )
        made.append(created["data"]["createAssessmentItem"]["id"])
    listed = await gql(tenant, ITEMS, {"p": program["id"]}, manager)
    assert listed["data"]["assessmentItems"] == [
        {
            "id": made[0],
            "programId": program["id"],
            "side": "MENTEE",
            "statement": "I use the tools.",
            "position": 1,
        },
        {
            "id": made[1],
            "programId": program["id"],
            "side": "MENTOR",
            "statement": "I explain calmly.",
            "position": 2,
        },
    ]
    deleted = await gql(tenant, DELETE_ITEM, {"p": program["id"], "id": made[0]}, manager)
    assert deleted["data"] == {"deleteAssessmentItem": True}
    left = await gql(tenant, ITEMS, {"p": program["id"]}, manager)
    assert [i["id"] for i in left["data"]["assessmentItems"]] == [made[1]]
    again = await gql(tenant, DELETE_ITEM, {"p": program["id"], "id": made[0]}, manager)
    assert error_of(again)["status"] == 404
