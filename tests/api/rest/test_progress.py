"""Progress through REST: a pair's figures and health, feedback, the program dashboard."""

import csv
import io

from tests.api.pairs_support import (
    PairSetup,
    age_logs,
    ago,
    backdate_pair,
    enrol,
    make_pair,
    pair_url,
    versioned,
)
from tests.api.programs_support import add_objective
from tests.conftest import Tenant, problem

AGREEMENT = {"format": "video", "cadence_days": 7}


async def _agree(setup: PairSetup, cadence: int) -> None:
    pair = await setup.refresh()
    response = await setup.tenant.client.put(
        pair_url(pair, "agreement"),
        json={"format": "video", "cadence_days": cadence},
        headers=versioned(setup.mentor, pair["version"]),
    )
    assert response.status_code == 200, response.text


async def test_progress_counts_sessions_goals_ratings_and_actions(tenant: Tenant) -> None:
    setup = await make_pair(tenant, cadence_days=30)
    await backdate_pair(tenant, setup.pair["id"], days=28)
    await _agree(setup, 7)
    for days, rating in ((21, 4), (14, 2), (3, 5)):
        response = await setup.log(
            held_at=ago(days=days),
            duration_minutes=60,
            rating=rating,
            action_items=[{"text": "Read", "owner": "mentee", "due": "2099-01-01"}],
        )
        assert response.status_code == 201
    disputed = await setup.log(held_at=ago(days=1), rating=1)
    await setup.tenant.client.post(
        pair_url(setup.pair, "session-logs", disputed.json()["id"], "dispute"),
        json={"reason": "Did not happen"},
        headers=setup.mentor,
    )
    goals = pair_url(setup.pair, "goals")
    await tenant.client.post(
        goals, json={"title": "A", "progress": 100, "status": "achieved"}, headers=setup.mentor
    )
    await tenant.client.post(goals, json={"title": "B", "progress": 40}, headers=setup.mentee)
    progress = (await setup.get("progress", headers=setup.mentee)).json()
    assert progress["sessions"] == 3  # the disputed one does not count
    assert progress["minutes"] == 180
    assert progress["cadence_days"] == 7
    assert progress["cadence_source"] == "agreement"
    assert 2.9 <= progress["days_since_last_session"] <= 3.1
    assert progress["cadence_adherence"] == 0.75  # 3 of the 4 sessions 28 days called for
    assert (progress["goals_total"], progress["goals_achieved"]) == (2, 1)
    assert progress["mean_goal_progress"] == 70.0
    assert progress["mean_ratings"] == {"mentor": None, "mentee": 3.67}
    assert progress["open_action_items"] == 3
    assert progress["next_action_item_due"] == "2099-01-01"
    assert progress["health"] == "on_track"


async def test_health_follows_the_agreed_cadence_not_the_programs(tenant: Tenant) -> None:
    setup = await make_pair(tenant, cadence_days=30)
    await backdate_pair(tenant, setup.pair["id"], days=60)
    assert (await setup.log(held_at=ago(days=9), rating=4)).status_code == 201

    async def health() -> str:
        return str((await setup.get("progress", headers=setup.manager)).json()["health"])

    assert await health() == "on_track"  # 9 days against the program's 30
    await _agree(setup, 7)
    assert await health() == "needs_attention"  # more than 7, not more than 14
    await age_logs(tenant, setup.pair["id"], days=6)
    assert await health() == "at_risk"  # 15 days: more than twice 7
    await setup.move("paused")
    assert (await setup.get("progress", headers=setup.manager)).json()["health"] is None


async def test_health_flags_overdue_actions_and_low_ratings(tenant: Tenant) -> None:
    overdue = await make_pair(tenant, cadence_days=14)
    await overdue.log(
        held_at=ago(days=2),
        rating=5,
        action_items=[{"text": "Send notes", "owner": "mentor", "due": "2020-01-01"}],
    )
    assert (await overdue.get("progress")).json()["health"] == "needs_attention"
    unhappy = await make_pair(tenant, cadence_days=14)
    await unhappy.log(held_at=ago(days=2), rating=2)
    assert (await unhappy.get("progress")).json()["health"] == "needs_attention"
    fresh = await make_pair(tenant)
    progress = (await fresh.get("progress")).json()
    assert progress["health"] == "on_track"
    assert progress["cadence_source"] == "default"
    assert progress["cadence_days"] == 14
    assert progress["last_session_at"] is None
    assert progress["days_since_last_session"] is None


async def test_feedback_once_per_stage_own_answers_only(tenant: Tenant) -> None:
    setup = await make_pair(tenant)
    url = pair_url(setup.pair, "feedback")
    answer = {"stage": "mid", "rating": 4, "what_worked": "Honesty", "would_recommend": 9}
    created = await tenant.client.post(url, json=answer, headers=setup.mentee)
    assert created.status_code == 201, created.text
    assert created.json()["side"] == "mentee"
    problem(
        await tenant.client.post(url, json=answer, headers=setup.mentee),
        409,
        "feedback_already_given",
    )
    problem(
        await tenant.client.post(url, json=answer | {"would_recommend": 11}, headers=setup.mentor),
        422,
    )
    problem(await tenant.client.post(url, json=answer, headers=setup.manager), 403)
    await tenant.client.post(
        url, json=answer | {"rating": 2, "would_recommend": 3}, headers=setup.mentor
    )
    mine = await tenant.client.get(url, headers=setup.mentor)
    assert [f["rating"] for f in mine.json()] == [2]
    everything = await tenant.client.get(url, headers=setup.manager)
    assert sorted(f["rating"] for f in everything.json()) == [2, 4]


async def test_dashboard_aggregates_a_program(tenant: Tenant) -> None:
    first = await make_pair(tenant, cadence_days=14)
    program, manager = first.program, first.manager
    objective = await add_objective(tenant, program, title="AI literacy")
    await add_objective(tenant, program, title="Untouched")
    second = await make_pair(tenant, program=program, manager=manager)
    await make_pair(tenant, program=program, manager=manager, activate=False)
    ended = await make_pair(tenant, program=program, manager=manager)
    await ended.move("ended_early", reason="schedule")
    await backdate_pair(tenant, second.pair["id"], days=40)
    # An unmatched mentee.
    await enrol(tenant, program, await tenant.employee(), "mentee")
    await first.log(held_at="2026-10-05T10:00:00+00:00", duration_minutes=30, rating=4)
    await first.log(held_at="2026-11-02T10:00:00+00:00", duration_minutes=60, rating=2)
    await first.log(headers=first.mentor, held_at=ago(hours=3), duration_minutes=45, rating=5)
    for setup in (first, second):
        await tenant.client.post(
            pair_url(setup.pair, "goals"),
            json={
                "title": "Use the assistant",
                "objective_id": objective["id"],
                "status": "achieved",
            },
            headers=setup.mentee,
        )
    await tenant.client.post(
        pair_url(first.pair, "goals"),
        json={"title": "Second", "objective_id": objective["id"]},
        headers=first.mentee,
    )
    feedback = pair_url(first.pair, "feedback")
    await tenant.client.post(
        feedback, json={"stage": "mid", "rating": 5, "would_recommend": 10}, headers=first.mentee
    )
    await tenant.client.post(
        feedback, json={"stage": "mid", "rating": 3, "would_recommend": 5}, headers=first.mentor
    )
    url = f"/api/v1/programs/{program['id']}/dashboard"
    problem(await tenant.client.get(url, headers=first.mentee), 404)  # a draft they do not run
    response = await tenant.client.get(url, headers=manager)
    assert response.status_code == 200, response.text
    board = response.json()
    by_status = {c["key"]: c["count"] for c in board["pairs_by_status"]}
    assert by_status == {"proposed": 1, "active": 2, "paused": 0, "completed": 0, "ended_early": 1}
    by_health = {c["key"]: c["count"] for c in board["pairs_by_health"]}
    assert by_health == {"on_track": 1, "needs_attention": 0, "at_risk": 1}
    months = {m["month"]: (m["sessions"], m["minutes"]) for m in board["sessions_per_month"]}
    assert months["2026-10"] == (1, 30)
    assert months["2026-11"][0] >= 1
    assert sum(s for s, _ in months.values()) == 3
    coverage = {c["title"]: c for c in board["objective_coverage"]}
    assert coverage["AI literacy"]["pairs_with_goals"] == 2
    assert (coverage["AI literacy"]["goals"], coverage["AI literacy"]["goals_achieved"]) == (3, 2)
    assert coverage["Untouched"]["goals"] == 0
    participation = board["participation"]
    assert participation["mentees"] == 5
    assert participation["unmatched_mentees"] == 2
    assert participation["mentors"] == 4
    assert participation["unmatched_mentors"] == 1
    assert (participation["open_pairs"], participation["open_pairs_with_sessions"]) == (3, 1)
    satisfaction = board["satisfaction"]
    assert satisfaction["session_ratings"] == {"mentor": 5.0, "mentee": 3.0}
    mid = next(f for f in satisfaction["feedback"] if f["stage"] == "mid")
    assert (mid["responses"], mid["mean_rating"], mid["mean_would_recommend"]) == (2, 4.0, 7.5)
    assert mid["net_promoter_score"] == 0.0
    end = next(f for f in satisfaction["feedback"] if f["stage"] == "end")
    assert end["responses"] == 0
    assert end["net_promoter_score"] is None

    export = await tenant.client.get(url + "/pairs.csv", headers=manager)
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 4
    row = next(r for r in rows if r["pair_id"] == first.pair["id"])
    assert (row["status"], row["health"], row["sessions"], row["minutes"]) == (
        "active",
        "on_track",
        "3",
        "135",
    )
    assert next(r for r in rows if r["pair_id"] == second.pair["id"])["health"] == "at_risk"
    problem(await tenant.client.get(url + "/pairs.csv", headers=first.mentor), 404)
