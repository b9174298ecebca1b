"""The demo organisation: a believable company with a reverse-mentoring program alive in it.

Everything is read back through the public API, as a newcomer would. The printed "try this"
commands are run as printed; a second load builds a second organisation; a load that fails
half-way leaves nothing behind.
"""

import secrets
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import col, func, select

from app.db.engine import unit_of_work
from app.demo import DemoResult, load, seed
from app.demo.names import ENGLISH_GIVEN, FRENCH_GIVEN
from app.demo.tryout import try_this
from app.domain.access.models import Organization
from app.domain.employees.models import Employee
from tests.shell_support import paste, run_pasted

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def get(client: httpx.AsyncClient, path: str, token: str) -> Any:
    response = await client.get(path, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def every(client: httpx.AsyncClient, path: str, token: str) -> list[dict[str, Any]]:
    """All the items of a paged list."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        joiner = "&" if "?" in path else "?"
        page = await get(
            client, f"{path}{joiner}limit=200" + (f"&cursor={cursor}" if cursor else ""), token
        )
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def programs_by_status(client: httpx.AsyncClient, demo: DemoResult) -> dict[str, Any]:
    programs = await every(client, f"{API}/programs", demo.admin_token)
    return {p["status"]: p for p in programs if p["id"] in {str(s.id) for s in demo.programs}}


async def test_the_company_is_believable(client: httpx.AsyncClient, demo_org: DemoResult) -> None:
    people = await every(client, f"{API}/employees", demo_org.admin_token)
    assert len(people) == demo_org.employees == 120
    assert len({p["location"] for p in people}) >= 5  # several sites...
    assert len({p["timezone"] for p in people}) >= 3  # ...in several time zones
    given = Counter(
        "fr"
        if p["given_name"] in FRENCH_GIVEN
        else "en"
        if p["given_name"] in ENGLISH_GIVEN
        else ""
        for p in people
    )
    assert given["fr"] >= 40, given
    assert given["en"] >= 15, given
    by_id = {p["id"]: p for p in people}
    (ceo,) = [p for p in people if p["manager_id"] is None]
    leadership = [p for p in people if p["manager_id"] == ceo["id"]]
    assert sum(p["job_title"].endswith(" Officer") for p in leadership) == 6  # the chiefs

    def depth(person: dict[str, Any]) -> int:
        return 0 if person["manager_id"] is None else 1 + depth(by_id[person["manager_id"]])

    assert max(depth(p) for p in people) == 3  # CEO, chief, director, their teams
    assert {p["role"] for p in people} == {"admin", "program_manager", "employee"}
    years = [p["birth_year"] for p in people]
    assert max(years) - min(years) >= 25  # juniors and seniors, as reverse mentoring needs


async def test_a_program_in_consultation(client: httpx.AsyncClient, demo_org: DemoResult) -> None:
    program = (await programs_by_status(client, demo_org))["consultation"]
    base = f"{API}/programs/{program['id']}/consultation"
    consultation = await get(client, base, demo_org.admin_token)
    assert consultation["status"] == "open"
    assert consultation["question"]
    assert datetime.fromisoformat(consultation["deadline"]) > datetime.now(UTC)
    stakeholders = await every(client, f"{base}/stakeholders", demo_org.admin_token)
    assert len(stakeholders) >= 8
    assert any(s["email"] for s in stakeholders)  # someone from outside, by e-mail
    assert {s["role"] for s in stakeholders} >= {"executive_sponsor", "hr", "it", "future_mentor"}
    contributions = await every(client, f"{base}/contributions", demo_org.admin_token)
    kinds = {c["kind"] for c in contributions}
    assert kinds == {"comment", "proposed_objective", "concern", "endorsement"}
    statuses = Counter(c["status"] for c in contributions)
    assert statuses["accepted"] >= 2
    assert statuses["declined"] >= 1
    assert statuses["pending"] >= 1
    declined = next(c for c in contributions if c["status"] == "declined")
    assert declined["resolution_reason"]
    created = [c for c in contributions if c["resulting_objective_id"]]
    objectives = await every(
        client, f"{API}/programs/{program['id']}/objectives", demo_org.admin_token
    )
    assert {c["resulting_objective_id"] for c in created} <= {o["id"] for o in objectives}


async def test_a_program_enrolling_ready_to_match(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    program = (await programs_by_status(client, demo_org))["enrolling"]
    assert program["id"] == str(demo_org.enrolling_program_id)
    token = demo_org.manager.token
    objectives = await every(client, f"{API}/programs/{program['id']}/objectives", token)
    assert len(objectives) >= 3
    assert all(o["success_indicators"] and o["topic_tags"] for o in objectives)
    people = await every(client, f"{API}/programs/{program['id']}/participants", token)
    approved = [p for p in people if p["status"] == "approved"]
    assert 28 <= len(approved) <= 34
    assert any(p["status"] == "pending" for p in people)
    roles = Counter(p["role"] for p in approved)
    assert roles["mentee"] > roles["mentor"] > 10  # more mentees than seats: some must wait
    for p in approved:  # complete profiles
        assert p["teaches"]
        assert p["learns"]
        assert p["availability"]
        assert p["languages"]
        assert p["mindset_statement"]
        assert 1 <= p["mindset"] <= 5


async def test_a_program_active_for_three_months(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    program = (await programs_by_status(client, demo_org))["active"]
    token = demo_org.manager.token
    assert date.fromisoformat(program["starts_on"]) <= date.today() - timedelta(days=85)
    pairs = await every(client, f"{API}/programs/{program['id']}/pairs", token)
    active = [p for p in pairs if p["status"] == "active"]
    assert 22 <= len(active) <= 26
    assert any(p["status"] == "ended_early" and p["end_reason"] for p in pairs)
    origins = Counter(p["origin"] for p in pairs)
    assert origins["manual"] == 1  # late joiners, paired by hand
    assert origins["matching"] == len(pairs) - 1
    for pair in active:
        assert pair["agreement"]
        assert pair["agreement"]["acknowledged"]
        assert date.fromisoformat(pair["started_on"]) <= date.today() - timedelta(days=80)
    objectives = {
        o["id"] for o in await every(client, f"{API}/programs/{program['id']}/objectives", token)
    }
    for pair in active[:6]:
        goals = await every(client, f"{API}/pairs/{pair['id']}/goals", token)
        assert goals
        assert all(g["objective_id"] in objectives for g in goals)

    logs = await every(client, f"{API}/session-logs?program_id={program['id']}", token)
    assert len(logs) >= 5 * len(active)
    statuses = Counter(log["status"] for log in logs)
    assert statuses["disputed"] == 1
    assert statuses["confirmed"] >= 0.8 * len(logs)
    confirmed = [log for log in logs if log["status"] == "confirmed"]
    assert all(log["summary"] and log["action_items"] for log in confirmed)
    assert all(log["mentor_rating"] and log["mentee_rating"] for log in confirmed)
    assert all(log["mentor_learned"] and log["mentee_learned"] for log in confirmed)
    assert all(log["private_note"] is None for log in logs)  # a manager never reads a note
    french = [log for log in logs if " a parlé de " in log["summary"] or " et " in log["summary"]]
    english = [log for log in logs if " talked about " in log["summary"]]
    assert len(french) >= 10
    assert len(english) >= 10

    dashboard = await get(client, f"{API}/programs/{program['id']}/dashboard", token)
    mid = next(f for f in dashboard["satisfaction"]["feedback"] if f["stage"] == "mid")
    assert mid["responses"] >= 10
    assert len(dashboard["sessions_per_month"]) >= 3
    assert all(o["pairs_with_goals"] for o in dashboard["objective_coverage"])
    assert dashboard["mentor_confidence"]["mentors_improved"] >= 3


async def test_the_support_network_is_lively(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    program = str(demo_org.active_program_id)
    token = demo_org.manager.token
    (circle,) = await every(client, f"{API}/programs/{program}/circles", token)
    base = f"{API}/programs/{program}/circles/{circle['id']}"
    threads = await every(client, f"{base}/threads", token)
    assert len(threads) >= 4
    assert len({t["kind"] for t in threads}) == 4
    anonymous = [t for t in threads if t["anonymous"]]
    assert len(anonymous) == 1
    assert anonymous[0]["author"] is None
    assert any(t["author"] and t["author"]["guest_id"] for t in threads)  # the guest writes
    posts = await every(client, f"{base}/threads/{threads[0]['id']}/posts", token)
    assert posts
    assert any(p["helpful"] for p in posts)
    meetings = await every(client, f"{base}/meetings", token)
    now = datetime.now(UTC)
    past = [m for m in meetings if datetime.fromisoformat(m["starts_at"]) < now]
    upcoming = [m for m in meetings if datetime.fromisoformat(m["starts_at"]) > now]
    assert len(past) == 1
    assert past[0]["notes"]
    assert len(upcoming) == 1
    attendance = await get(client, f"{base}/meetings/{past[0]['id']}/attendance", token)
    assert sum(1 for a in attendance if a["attended"]) >= 5
    (guest,) = await every(client, f"{API}/guest-mentors", token)
    assert guest["partner_organization"]
    assert guest["consent_statement"]
    workshops = await every(client, f"{API}/workshops", demo_org.admin_token)
    full = [w for w in workshops if w["registered"] == w["capacity"] and w["waitlisted"]]
    assert len(full) == 1


async def test_a_completed_program_with_end_feedback(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    program = (await programs_by_status(client, demo_org))["completed"]
    dashboard = await get(
        client, f"{API}/programs/{program['id']}/dashboard", demo_org.manager.token
    )
    completed = next(c for c in dashboard["pairs_by_status"] if c["key"] == "completed")
    assert completed["count"] >= 6
    end = next(f for f in dashboard["satisfaction"]["feedback"] if f["stage"] == "end")
    assert end["responses"] >= 12
    assert end["mean_rating"] >= 4
    assert len(dashboard["sessions_per_month"]) >= 6


async def test_pairs_spread_over_every_health(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    """Health is computed now from dates relative to the load: all three values show."""
    program = str(demo_org.active_program_id)
    token = demo_org.manager.token
    dashboard = await get(client, f"{API}/programs/{program}/dashboard", token)
    counts = {c["key"]: c["count"] for c in dashboard["pairs_by_health"]}
    assert counts["on_track"] >= 12
    assert counts["needs_attention"] >= 3
    assert counts["at_risk"] >= 2
    pairs = await every(client, f"{API}/programs/{program}/pairs?status=active", token)
    health = Counter(
        [(await get(client, f"{API}/pairs/{p['id']}/progress", token))["health"] for p in pairs]
    )
    assert health == Counter(counts)


async def test_the_printed_commands_work_as_printed(
    app: FastAPI, client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    pasted = paste(try_this(demo_org, "http://127.0.0.1:8000"))
    assert set(pasted.env) == {"API", "ADMIN_KEY", "MANAGER_TOKEN", "MENTOR_TOKEN", "MENTEE_TOKEN"}
    answers = await run_pasted(client, pasted, app.state.session_factory)
    dashboard, progress, queued, dry_run, proposals, graphql = answers
    assert dashboard.status_code == 200, dashboard.text
    assert all(c["count"] for c in dashboard.json()["pairs_by_health"])
    assert progress.status_code == 200, progress.text
    assert progress.json()["sessions"] >= 4
    assert progress.json()["health"] == "on_track"

    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"
    assert dry_run.status_code == 200, dry_run.text
    run = dry_run.json()
    assert run["id"] == queued.json()["id"]
    assert run["status"] == "completed"
    assert run["dry_run"]
    assert run["summary"]["pairs"] >= 10
    assert run["unmatched"]
    assert all(u["reason"] and u["detail"] for u in run["unmatched"])
    assert len({u["reason"] for u in run["unmatched"]}) >= 2
    assert proposals.status_code == 200, proposals.text
    assert len(proposals.json()["items"]) == run["summary"]["pairs"]
    assert all(p["explanation"]["reasons"] for p in proposals.json()["items"])

    assert graphql.status_code == 200, graphql.text
    data = graphql.json()
    assert "errors" not in data, data
    assert data["data"]["viewer"]["employee"]["familyName"] in demo_org.mentee.name
    # Their pair in the active program (the tour, when it ran first, gave them another).
    nodes = data["data"]["pairs"]["nodes"]
    assert any(
        n["progress"]["sessions"] >= 4 and n["progress"]["health"] == "ON_TRACK" for n in nodes
    ), nodes


async def test_a_second_run_builds_an_independent_organisation(
    app: FastAPI, client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    async with unit_of_work(app.state.session_factory) as session:
        second = await seed(session, demo_org.organization_name)
    assert second.slug == f"{demo_org.slug}-2"
    assert second.earlier == demo_org.slug
    assert second.organization_name == f"{demo_org.organization_name} 2"
    for demo in (demo_org, second):
        people = await every(client, f"{API}/employees", demo.admin_token)
        assert len(people) == 120
        assert all(p["email"].endswith(f"@{demo.slug}.example") for p in people)
        me = await get(client, f"{API}/me", demo.mentee.token)
        assert me["employee"]["email"] == demo.mentee.email
    # Same story, different records: neither organisation sees the other's.
    response = await client.get(
        f"{API}/programs/{demo_org.active_program_id}", headers=bearer(second.admin_token)
    )
    assert response.status_code == 404


async def test_a_failure_half_way_leaves_nothing_behind(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("app.demo.network.build", broken)  # after the directory and 2 programs
    name = f"Broken Demo {secrets.token_hex(3)}"
    with pytest.raises(RuntimeError, match="disk is full"):
        await load(app.state.session_factory, name)
    async with app.state.session_factory() as session:
        slug = name.lower().replace(" ", "-")
        organizations = await session.exec(
            select(func.count()).select_from(Organization).where(Organization.slug == slug)
        )
        assert organizations.one() == 0
        employees = await session.exec(
            select(func.count())
            .select_from(Employee)
            .where(col(Employee.email).like(f"%@{slug}.example"))
        )
        assert employees.one() == 0


async def test_pairs_answered_their_fit_check(
    client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    program = (await programs_by_status(client, demo_org))["active"]
    token = demo_org.manager.token
    pairs = await every(client, f"{API}/programs/{program['id']}/pairs", token)
    checks = [
        await get(client, f"{API}/pairs/{p['id']}/fit-check", token)
        for p in pairs
        if p["status"] == "active"
    ]
    answers = Counter(c[side]["answer"] for c in checks for side in ("mentor", "mentee"))
    assert answers["good_fit"] >= 30
    assert answers["unsure"] >= 1  # a mentee of a struggling pair, with a note
    assert any(c["mentee"]["answer"] == "unsure" and c["mentee"]["note"] for c in checks)
    # One mentor has still to answer: the fit check is on their agenda.
    assert answers[None] == 1
    assert all(c["due_since"] for c in checks)
