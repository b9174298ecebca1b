"""Session logs through REST: logging, confirmation, edits, deletion and private notes."""

import asyncio
import uuid
from typing import Any

from tests.api.pairs_support import PairSetup, age_logs, ago, make_pair, pair_url, versioned
from tests.api.programs_support import events_of
from tests.conftest import Tenant, problem

FULL_LOG: dict[str, Any] = {
    "held_at": ago(days=2),
    "duration_minutes": 50,
    "format": "in_person",
    "topics": ["Generative AI", "prompting"],
    "summary": "We drafted prompts for the board's weekly report.",
    "learned": "How the board reads a report.",
    "action_items": [
        {"text": "Try the prompt on last week's report", "owner": "mentee", "due": "2027-01-20"},
        {"text": "Share the template", "owner": "mentor", "done": True},
    ],
    "rating": 4,
    "private_note": "I felt out of my depth on the finance part.",
}


async def _log(setup: PairSetup, **fields: Any) -> dict[str, Any]:
    response = await setup.log(**fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_participant_logs_a_session(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    response = await setup.log(**FULL_LOG)
    assert response.status_code == 201, response.text
    log = response.json()
    assert log["author_employee_id"] == setup.mentee_employee["id"]
    assert log["author_side"] == "mentee"
    assert log["topics"] == ["generative-ai", "prompting"]
    assert log["mentee_learned"] == "How the board reads a report."
    assert log["mentor_learned"] is None
    assert (log["mentee_rating"], log["mentor_rating"]) == (4, None)
    assert log["status"] == "pending"
    assert log["private_note"] == FULL_LOG["private_note"]
    assert log["action_items"][0] == {
        "text": "Try the prompt on last week's report",
        "owner": "mentee",
        "due": "2027-01-20",
        "done": False,
    }
    assert response.headers["location"].endswith(f"/session-logs/{log['id']}")
    events = await events_of(tenant, str(log["id"]))
    assert [e.type for e in events] == ["session_log.created"]
    assert events[0].data["private_note"] is None


async def test_logging_rules(tenant: Tenant) -> None:
    setup = await make_pair(tenant, activate=False)
    problem(await setup.log(), 409, "pair_not_active")
    await setup.move("active")
    problem(await setup.log(held_at=ago(days=-2)), 409)  # not yet held: a business rule
    problem(await setup.log(held_at="2026-11-01T10:00:00"), 422)  # no time zone
    problem(await setup.log(duration_minutes=0), 422)
    problem(await setup.log(format="carrier_pigeon"), 422)
    problem(await setup.log(rating=6), 422)
    problem(await setup.log(action_items=[{"text": "x", "owner": "boss"}]), 422)
    problem(await setup.log(headers=setup.manager), 403, "not_in_pair")
    problem(await setup.log(headers=tenant.admin), 403, "not_in_pair")
    problem(await setup.log(headers=tenant.as_user(await tenant.employee())), 404)


async def test_the_other_participant_confirms_or_disputes(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = await _log(setup, rating=5)
    url = pair_url(setup.pair, "session-logs", str(log["id"]))
    problem(await tenant.client.post(url + "/confirm", json={}, headers=setup.mentee), 403)
    problem(await tenant.client.post(url + "/confirm", json={}, headers=setup.manager), 403)
    confirmed = await tenant.client.post(
        url + "/confirm",
        json={"rating": 3, "learned": "Patience.", "private_note": "Mentor's own thoughts."},
        headers=setup.mentor,
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["status"] == "confirmed"
    assert (body["mentor_rating"], body["mentee_rating"]) == (3, 5)
    assert body["mentor_learned"] == "Patience."
    assert body["private_note"] == "Mentor's own thoughts."
    problem(
        await tenant.client.post(url + "/dispute", json={"reason": "No"}, headers=setup.mentor),
        422,
    )
    problem(
        await tenant.client.post(
            url + "/dispute", json={"reason": "It did not happen"}, headers=setup.mentor
        ),
        409,
        "session_log_already_answered",
    )
    other = await _log(setup)
    disputed = await tenant.client.post(
        pair_url(setup.pair, "session-logs", str(other["id"]), "dispute"),
        json={"reason": "We cancelled that day."},
        headers=setup.mentor,
    )
    assert disputed.json()["status"] == "disputed"
    assert disputed.json()["dispute_reason"] == "We cancelled that day."
    types = sorted(e.type for e in await events_of(tenant, str(other["id"])))
    assert types == ["session_log.created", "session_log.disputed"]


async def test_edits_need_if_match_and_respect_sides(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = await _log(setup, summary="First draft")
    url = pair_url(setup.pair, "session-logs", str(log["id"]))
    confirmed = await tenant.client.post(url + "/confirm", json={}, headers=setup.mentor)
    version = confirmed.json()["version"]
    problem(await tenant.client.patch(url, json={"summary": "x"}, headers=setup.mentee), 428)
    problem(
        await tenant.client.patch(url, json={"summary": "x"}, headers=versioned(setup.mentee, 99)),
        412,
    )
    # The other side changes only their own side.
    problem(
        await tenant.client.patch(
            url, json={"summary": "mine now"}, headers=versioned(setup.mentor, version)
        ),
        403,
        "not_log_author",
    )
    own_side = await tenant.client.patch(
        url, json={"rating": 2, "learned": "A lot"}, headers=versioned(setup.mentor, version)
    )
    assert own_side.status_code == 200, own_side.text
    assert own_side.json()["status"] == "confirmed"
    assert own_side.json()["mentor_rating"] == 2
    # The author changing the facts asks for confirmation again.
    edited = await tenant.client.patch(
        url,
        json={"summary": "Second draft", "duration_minutes": 30},
        headers=versioned(setup.mentee, own_side.json()["version"]),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "pending"
    assert edited.json()["summary"] == "Second draft"
    assert edited.headers["etag"] == f'"{edited.json()["version"]}"'
    problem(
        await tenant.client.patch(
            url, json={"held_at": None}, headers=versioned(setup.mentee, edited.json()["version"])
        ),
        422,
    )


async def test_author_deletes_within_the_window_admin_soft_deletes(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    fresh = await _log(setup)
    fresh_url = pair_url(setup.pair, "session-logs", str(fresh["id"]))
    problem(await tenant.client.delete(fresh_url, headers=setup.mentor), 403, "not_log_author")
    problem(await tenant.client.delete(fresh_url, headers=setup.manager), 403)
    assert (await tenant.client.delete(fresh_url, headers=setup.mentee)).status_code == 204
    problem(await tenant.client.get(fresh_url, headers=setup.mentee), 404)

    old = await _log(setup)
    await age_logs(tenant, setup.pair["id"], hours=25)
    old_url = pair_url(setup.pair, "session-logs", str(old["id"]))
    problem(await tenant.client.delete(old_url, headers=setup.mentee), 409, "delete_window_passed")
    assert (await tenant.client.delete(old_url, headers=tenant.admin)).status_code == 204
    problem(await tenant.client.get(old_url, headers=tenant.admin), 404)
    listed = await setup.get("session-logs", headers=setup.mentee)
    assert listed.json()["items"] == []
    progress = await setup.get("progress", headers=setup.mentee)
    assert progress.json()["sessions"] == 0


async def test_private_note_is_readable_by_its_author_only(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = await _log(setup, **FULL_LOG)
    url = pair_url(setup.pair, "session-logs", str(log["id"]))
    await tenant.client.post(
        url + "/confirm", json={"private_note": "The mentor's secret."}, headers=setup.mentor
    )
    other_manager = await tenant.employee(role="program_manager")
    keys = [await tenant.api_key(scope) for scope in ("admin", "read", "programs:write")]
    promoted_admin = await tenant.employee(role="admin")
    readers = {
        "mentee (author)": (setup.mentee, FULL_LOG["private_note"]),
        "mentor (own)": (setup.mentor, "The mentor's secret."),
        "program manager": (setup.manager, None),
        "admin key": (tenant.admin, None),
        "admin employee": (tenant.as_user(promoted_admin), None),
        "admin scope key": (keys[0], None),
        "read key": (keys[1], None),
        "programs:write key": (keys[2], None),
    }
    for role, (headers, expected) in readers.items():
        one = await tenant.client.get(url, headers=headers)
        assert one.status_code == 200, (role, one.text)
        assert one.json()["private_note"] == expected, role
        page = await setup.get("session-logs", headers=headers)
        assert [i["private_note"] for i in page.json()["items"]] == [expected], role
        assert "out of my depth" not in page.text or role == "mentee (author)"
        assert "mentor's secret" not in page.text or role == "mentor (own)"
    for headers in (
        tenant.as_user(other_manager),
        tenant.as_user(await tenant.employee()),
    ):
        problem(await tenant.client.get(url, headers=headers), 404)
    # Nor does it leak through events or the confirmation answer of the other side.
    for event in await events_of(tenant, str(log["id"])):
        assert "out of my depth" not in str(event.data)
        assert "mentor's secret" not in str(event.data)


async def test_private_note_can_be_changed_and_removed(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = await _log(setup, private_note="first")
    url = pair_url(setup.pair, "session-logs", str(log["id"]))
    changed = await tenant.client.patch(
        url, json={"private_note": "second"}, headers=versioned(setup.mentee, 1)
    )
    assert changed.json()["private_note"] == "second"
    assert changed.json()["version"] == 1  # a note is not part of the shared log
    removed = await tenant.client.patch(
        url, json={"private_note": None}, headers=versioned(setup.mentee, 1)
    )
    assert removed.json()["private_note"] is None
    assert (await tenant.client.get(url, headers=setup.mentee)).json()["private_note"] is None


async def test_lists_page_and_filter_by_status(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    ids = [str((await _log(setup, held_at=ago(days=10 - i)))["id"]) for i in range(5)]
    url = pair_url(setup.pair, "session-logs")
    await tenant.client.post(f"{url}/{ids[1]}/confirm", json={}, headers=setup.mentor)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await tenant.client.get(url, params=params, headers=setup.mentor)).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    confirmed = await tenant.client.get(url, params={"status": "confirmed"}, headers=setup.mentor)
    assert [i["id"] for i in confirmed.json()["items"]] == [ids[1]]
    problem(await tenant.client.get(f"{url}/{uuid.uuid4()}", headers=setup.mentor), 404)


async def test_the_list_of_every_visible_log(tenant: Tenant) -> None:
    first = await make_pair(tenant)
    second = await make_pair(tenant, program=first.program, manager=first.manager)
    elsewhere = await make_pair(tenant)
    mine = await _log(first, private_note="first's note")
    theirs = await _log(second)
    other = await _log(elsewhere)
    url = "/api/v1/session-logs"

    async def ids(headers: dict[str, str], **params: str) -> list[str]:
        response = await tenant.client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert await ids(first.mentee) == [mine["id"]]
    assert await ids(first.manager) == [mine["id"], theirs["id"]]
    assert await ids(tenant.admin) == [mine["id"], theirs["id"], other["id"]]
    assert await ids(tenant.admin, program_id=elsewhere.program["id"]) == [other["id"]]
    assert await ids(await tenant.api_key("read")) == [mine["id"], theirs["id"], other["id"]]
    page = await tenant.client.get(url, headers=first.mentee)
    assert page.json()["items"][0]["private_note"] == "first's note"
    page = await tenant.client.get(url, headers=first.manager)
    assert all(i["private_note"] is None for i in page.json()["items"])
    audit = await tenant.client.get(
        "/api/v1/audit-log", params={"subject_id": second.pair["id"]}, headers=tenant.admin
    )
    assert [e["action"] for e in audit.json()["items"]].count("session_log.read") >= 1


async def test_a_confirmation_racing_a_dispute_answers_once(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    log = await _log(setup)
    url = pair_url(setup.pair, "session-logs", str(log["id"]))
    responses = await asyncio.gather(
        tenant.client.post(url + "/confirm", json={}, headers=setup.mentor),
        tenant.client.post(url + "/dispute", json={"reason": "Not so"}, headers=setup.mentor),
        tenant.client.post(url + "/confirm", json={"rating": 3}, headers=setup.mentor),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200, [r.text for r in responses]
    assert all(code in (409, 412) for code in codes[1:]), [r.text for r in responses]
    final = (await tenant.client.get(url, headers=setup.mentee)).json()
    winner = next(r for r in responses if r.status_code == 200).json()
    assert final["status"] == winner["status"]
    assert final["version"] == 2
