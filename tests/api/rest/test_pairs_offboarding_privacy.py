"""A leaver's pairs end; a person's mentoring records are exported and erased."""

from tests.api.pairs_support import enrol, make_pair, pair_url
from tests.api.programs_support import events_of
from tests.conftest import Tenant


async def test_a_leavers_open_pairs_end_with_left_company(tenant: Tenant) -> None:
    leaving = await make_pair(tenant)
    other = await make_pair(tenant, program=leaving.program, manager=leaving.manager)
    scim = (await tenant.api_key("scim")) | {"Content-Type": "application/scim+json"}
    gone = await tenant.client.delete(
        f"/scim/v2/Users/{leaving.mentor_employee['id']}", headers=scim
    )
    assert gone.status_code == 204, gone.text
    pair = await leaving.refresh()
    assert pair["status"] == "ended_early"
    assert pair["end_reason"] == "left_company"
    assert (await other.refresh())["status"] == "active"
    types = [e.type for e in await events_of(tenant, pair["id"], "pair.")]
    assert types[-1] == "pair.status_changed"
    # The mentee's seat is free again: the manager pairs them with a new mentor.
    new_mentor = await enrol(tenant, leaving.program, await tenant.employee(), "mentor")
    again = await tenant.client.post(
        f"/api/v1/programs/{leaving.program['id']}/pairs",
        json={
            "mentor_participant_id": new_mentor,
            "mentee_participant_id": pair["mentee_participant_id"],
        },
        headers=leaving.manager,
    )
    assert again.status_code == 201, again.text
    # Offboarding twice changes nothing.
    assert (
        await tenant.client.delete(f"/scim/v2/Users/{leaving.mentor_employee['id']}", headers=scim)
    ).status_code in (204, 404)


async def test_export_and_erase_mentoring_records(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    logged = await setup.log(
        summary="Bob's summary",
        learned="Bob learned pivot tables",
        private_note="Bob's private worry",
        rating=4,
        action_items=[{"text": "Bob sends the deck", "owner": "mentee"}],
    )
    log_id = logged.json()["id"]
    await tenant.client.post(
        pair_url(setup.pair, "session-logs", log_id, "confirm"),
        json={"private_note": "Mentor's note about Bob", "learned": "Mentor learned patience"},
        headers=setup.mentor,
    )
    await tenant.client.post(
        pair_url(setup.pair, "goals"), json={"title": "Bob's goal"}, headers=setup.mentee
    )
    await tenant.client.post(
        pair_url(setup.pair, "feedback"),
        json={"stage": "mid", "rating": 5, "what_worked": "Bob liked it", "would_recommend": 9},
        headers=setup.mentee,
    )
    url = f"/api/v1/employees/{setup.mentee_employee['id']}/personal-data"
    data = (await tenant.client.get(url, headers=setup.mentee)).json()
    assert data["session_logs"][0]["summary"] == "Bob's summary"
    assert data["session_logs"][0]["learned"] == "Bob learned pivot tables"
    assert data["session_log_private_notes"] == [{"log_id": log_id, "body": "Bob's private worry"}]
    assert "Mentor's note" not in str(data)
    assert "Mentor learned" not in str(data)
    assert data["pair_goals"][0]["title"] == "Bob's goal"
    assert data["pair_feedback"][0]["what_worked"] == "Bob liked it"

    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(url, headers=tenant.admin)).json()
    assert "Bob" not in str({k: after[k] for k in ("session_logs", "pair_goals", "pair_feedback")})
    assert after["session_log_private_notes"] == []
    log = (
        await tenant.client.get(pair_url(setup.pair, "session-logs", log_id), headers=setup.mentor)
    ).json()
    assert log["summary"] == "[erased]"
    assert log["mentee_learned"] == "[erased]"
    assert log["mentor_learned"] == "Mentor learned patience"  # the other side's words stay
    assert log["private_note"] == "Mentor's note about Bob"
    assert log["action_items"][0]["text"] == "[erased]"
    progress = (await setup.get("progress", headers=setup.manager)).json()
    assert progress["sessions"] == 1  # counts stay
    assert progress["goals_total"] == 1
