"""A reporting client (a BI tool with a `read` key) reads the mentoring, audited, never notes.

It reads pairs, the shared fields of their session logs, progress, feedback and dashboards
(with the CSV export), through REST and GraphQL; every read of other people's mentoring
leaves an audit entry naming the key; it changes nothing.
"""

import csv
import io
from typing import Any

from tests.api.pairs_support import PAIRS, make_pair, pair_url, versioned
from tests.conftest import Tenant, problem


async def actions_of(tenant: Tenant, actor: str) -> list[str]:
    response = await tenant.client.get(
        "/api/v1/audit-log", params={"actor": actor, "limit": 200}, headers=tenant.admin
    )
    assert response.status_code == 200, response.text
    return sorted(e["action"] for e in response.json()["items"])


async def key_and_actor(tenant: Tenant) -> tuple[dict[str, str], str]:
    created = await tenant.client.post(
        "/api/v1/api-keys", json={"name": "BI", "scopes": ["read"]}, headers=tenant.admin
    )
    assert created.status_code == 201, created.text
    key = created.json()
    return {"Authorization": f"Bearer {key['token']}"}, f"api_key:{key['id']}"


async def test_a_read_key_reads_pairs_logs_progress_and_dashboards_audited(
    tenant: Tenant,
) -> None:
    setup = await make_pair(tenant)
    logged = await setup.log(summary="Prompts for the weekly report", private_note="Secret A")
    assert logged.status_code == 201, logged.text
    log_url = pair_url(setup.pair, "session-logs", logged.json()["id"])
    confirmed = await tenant.client.post(
        log_url + "/confirm", json={"private_note": "Secret B"}, headers=setup.mentor
    )
    assert confirmed.status_code == 200, confirmed.text
    bi, actor = await key_and_actor(tenant)
    program = f"/api/v1/programs/{setup.program['id']}"

    listed = await tenant.client.get(PAIRS, headers=bi)
    assert [p["id"] for p in listed.json()["items"]] == [setup.pair["id"]]
    in_program = await tenant.client.get(f"{program}/pairs", headers=bi)
    assert [p["id"] for p in in_program.json()["items"]] == [setup.pair["id"]]
    pair = await setup.get(headers=bi)
    assert pair.status_code == 200
    assert pair.json()["id"] == setup.pair["id"]

    logs = await setup.get("session-logs", headers=bi)
    assert logs.status_code == 200
    (log,) = logs.json()["items"]
    assert log["summary"] == "Prompts for the weekly report"
    assert log["status"] == "confirmed"
    assert log["private_note"] is None
    one = await tenant.client.get(log_url, headers=bi)
    assert one.json()["private_note"] is None
    everywhere = await tenant.client.get("/api/v1/session-logs", headers=bi)
    assert [i["id"] for i in everywhere.json()["items"]] == [log["id"]]
    for response in (logs, one, everywhere):
        assert "Secret" not in response.text

    progress = await setup.get("progress", headers=bi)
    assert progress.status_code == 200
    assert progress.json()["sessions"] == 1
    assert (await setup.get("goals", headers=bi)).status_code == 200
    assert (await setup.get("feedback", headers=bi)).status_code == 200

    dashboard = await tenant.client.get(f"{program}/dashboard", headers=bi)
    assert dashboard.status_code == 200, dashboard.text
    assert dashboard.json()["participation"]["open_pairs"] == 1
    export = await tenant.client.get(f"{program}/dashboard/pairs.csv", headers=bi)
    assert export.status_code == 200, export.text
    (row,) = csv.DictReader(io.StringIO(export.text))
    assert (row["pair_id"], row["sessions"]) == (setup.pair["id"], "1")

    # One entry per read of one pair's mentoring (the pair, its goals, logs, progress and
    # feedback) and per dashboard; the lists of pairs name no one's mentoring in particular.
    assert await actions_of(tenant, actor) == [
        "pair.read",
        "pair.read",
        "pair_feedback.read",
        "pair_progress.read",
        "program_dashboard.export",
        "program_dashboard.read",
        "session_log.read",
        "session_log.read",
        "session_log.read",
    ]


async def test_a_read_key_changes_nothing_of_a_pair(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    bi, _actor = await key_and_actor(tenant)
    refusals = [
        await tenant.client.post(
            pair_url(setup.pair, "transitions"), json={"to": "paused"}, headers=bi
        ),
        await tenant.client.post(
            pair_url(setup.pair, "transitions"),
            json={"to": "paused"},
            headers=versioned(bi, 1),
        ),
        await setup.log(headers=bi),
        await tenant.client.put(
            pair_url(setup.pair, "agreement"),
            json={"format": "video", "cadence_days": 14, "starts_on": "2027-01-11"},
            headers=versioned(bi, 1),
        ),
        await tenant.client.post(pair_url(setup.pair, "goals"), json={"title": "X"}, headers=bi),
        await tenant.client.post(
            pair_url(setup.pair, "feedback"),
            json={"stage": "mid", "rating": 4, "would_recommend": 8},
            headers=bi,
        ),
    ]
    for response in refusals:
        problem(response, 403)
    assert (await setup.refresh())["status"] == "active"


async def gql(tenant: Tenant, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await tenant.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_read_key_reads_the_same_through_graphql(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    logged = await setup.log(summary="Shared", private_note="Only mine")
    assert logged.status_code == 201
    bi, actor = await key_and_actor(tenant)
    data = await gql(
        tenant,
        bi,
        """query($id: UUID!, $program: UUID!) {
          pairs(first: 5) { nodes { id lastLogs { summary privateNote } progress { sessions } } }
          sessionLogs(pairId: $id) { nodes { summary privateNote } }
          progress(pairId: $id) { sessions }
          dashboard(programId: $program) { programId }
        }""",
        id=setup.pair["id"],
        program=setup.program["id"],
    )
    (pair,) = data["pairs"]["nodes"]
    assert pair["id"] == setup.pair["id"]
    assert pair["lastLogs"] == [{"summary": "Shared", "privateNote": None}]
    assert pair["progress"] == {"sessions": 1}
    assert data["sessionLogs"]["nodes"] == [{"summary": "Shared", "privateNote": None}]
    assert data["progress"] == {"sessions": 1}
    assert data["dashboard"] == {"programId": setup.program["id"]}
    assert await actions_of(tenant, actor) == [
        "pair_progress.read",
        "pair_progress.read",
        "program_dashboard.read",
        "session_log.read",
        "session_log.read",
    ]
