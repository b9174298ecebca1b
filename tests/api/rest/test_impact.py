"""Impact through REST: indicator measurements and bindings, self-assessments, retention
against a comparison group, and the report in JSON and CSV."""

import csv
import io
from typing import Any

import pytest

from tests.api.impact_support import (
    add_item,
    answer,
    impact_program,
    indicator_url,
    participants,
    set_status,
)
from tests.api.pairs_support import make_pair, pair_url
from tests.api.programs_support import url
from tests.conftest import Tenant, problem


async def _impact(tenant: Tenant, program: dict[str, Any], headers: dict[str, str]) -> Any:
    response = await tenant.client.get(url(program, "impact"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _measure(
    tenant: Tenant,
    program: dict[str, Any],
    objective: dict[str, Any],
    index: int,
    headers: dict[str, str],
    value: float,
    on: str,
) -> Any:
    response = await tenant.client.post(
        indicator_url(program, objective, index, "measurements"),
        json={"value": value, "measured_on": on, "source": "HR survey"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_trajectories_head_from_baseline_to_target_in_either_direction(
    tenant: Tenant,
) -> None:
    program, objective, manager = await impact_program(tenant)
    await _measure(tenant, program, objective, 0, manager, 50, "2025-06-30")
    await _measure(tenant, program, objective, 0, manager, 35, "2025-03-31")
    await _measure(tenant, program, objective, 1, manager, 12, "2025-06-30")
    report = await _impact(tenant, program, manager)
    up, down = report["indicators"]
    assert up["direction"] == "increase"
    assert down["direction"] == "decrease"
    # Oldest first; progress is the share of the way from 20 to 80.
    assert [(p["measured_on"], p["value"], p["progress"]) for p in up["points"]] == [
        ("2025-03-31", 35.0, 0.25),
        ("2025-06-30", 50.0, 0.5),
    ]
    assert (up["latest_value"], up["reached"]) == (50.0, False)
    # 30 -> 12 toward 10: 90 % of the way, not reached; 10 or less reaches it.
    assert (down["points"][0]["progress"], down["reached"]) == (0.9, False)
    await _measure(tenant, program, objective, 1, manager, 9.5, "2025-09-30")
    report = await _impact(tenant, program, manager)
    assert report["indicators"][1]["reached"] is True
    listed = await tenant.client.get(
        indicator_url(program, objective, 0, "measurements"), headers=manager
    )
    assert [m["value"] for m in listed.json()["items"]] == [35.0, 50.0]


async def test_measurements_come_in_pages_ordered_by_day(tenant: Tenant) -> None:
    # The cursor holds the last day read: PostgreSQL compares it as a date, not as text.
    program, objective, manager = await impact_program(tenant)
    for value, on in ((3, "2025-09-30"), (1, "2025-03-31"), (2, "2025-06-30")):
        await _measure(tenant, program, objective, 0, manager, value, on)
    endpoint = indicator_url(program, objective, 0, "measurements")
    first = await tenant.client.get(endpoint, params={"limit": 2}, headers=manager)
    assert first.status_code == 200, first.text
    assert [m["value"] for m in first.json()["items"]] == [1.0, 2.0]
    cursor = first.json()["next_cursor"]
    rest = await tenant.client.get(endpoint, params={"limit": 2, "cursor": cursor}, headers=manager)
    assert rest.status_code == 200, rest.text
    assert [m["value"] for m in rest.json()["items"]] == [3.0]
    assert rest.json()["next_cursor"] is None


async def test_measurements_are_for_managers_and_of_days_that_came(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    body = {"value": 1, "measured_on": "2199-01-01"}
    endpoint = indicator_url(program, objective, 0, "measurements")
    problem(await tenant.client.post(endpoint, json=body, headers=manager), 409)
    someone = tenant.as_user(await tenant.employee())
    body["measured_on"] = "2025-01-31"
    problem(await tenant.client.post(endpoint, json=body, headers=someone), 403)
    problem(await tenant.client.get(endpoint, headers=someone), 403)
    problem(await tenant.client.get(url(program, "impact"), headers=someone), 403)
    missing = indicator_url(program, objective, 5, "measurements")
    problem(
        await tenant.client.post(missing, json=body, headers=manager), 404, "indicator_not_found"
    )
    created = await tenant.client.post(endpoint, json=body, headers=manager)
    deleted = await tenant.client.delete(
        url(program, "indicator-measurements", created.json()["id"]), headers=manager
    )
    assert deleted.status_code == 204


async def test_reads_of_the_report_are_audited(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant)
    await _impact(tenant, program, manager)
    assert (await tenant.client.get(url(program, "impact.csv"), headers=manager)).status_code == 200
    entries = await tenant.client.get(
        "/api/v1/audit-log", params={"subject_id": program["id"]}, headers=tenant.admin
    )
    actions = [e["action"] for e in entries.json()["items"]]
    assert "program_impact.read" in actions
    assert "program_impact.export_csv" in actions


async def test_a_bound_indicator_is_computed_from_logged_topics(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    setups = [await make_pair(tenant, program=program, manager=manager) for _ in range(5)]
    for setup in setups[:3]:
        assert (await setup.log(topics=["Collaboration tools"])).status_code == 201
    assert (await setups[3].log(topics=["excel"])).status_code == 201
    bound = await tenant.client.put(
        indicator_url(program, objective, 0, "binding"),
        json={"computation": "mentees_logged_topic", "topic": "collaboration-tools"},
        headers=manager,
    )
    assert bound.status_code == 200, bound.text
    # Changing it takes the version read.
    again = {"computation": "mentees_logged_topic", "topic": "collaboration-tools"}
    binding = indicator_url(program, objective, 0, "binding")
    problem(await tenant.client.put(binding, json=again, headers=manager), 428)
    rebound = await tenant.client.put(
        binding, json=again, headers=manager | {"If-Match": bound.headers["etag"]}
    )
    assert rebound.status_code == 200, rebound.text
    up = (await _impact(tenant, program, manager))["indicators"][0]
    assert up["computation"] == "mentees_logged_topic"
    assert up["latest_value"] == 60.0  # 3 of 5 mentees
    assert up["points"][0]["progress"] == round((60 - 20) / 60, 4)
    assert up["reached"] is False
    # Entering values by hand is refused while it is computed.
    refused = await tenant.client.post(
        indicator_url(program, objective, 0, "measurements"),
        json={"value": 1, "measured_on": "2025-02-01"},
        headers=manager,
    )
    problem(refused, 409, "indicator_computed")
    # Pairs meeting their cadence: every pair logged once within a 14-day cadence.
    await tenant.client.put(
        indicator_url(program, objective, 1, "binding"),
        json={"computation": "pairs_met_cadence"},
        headers=manager,
    )
    down = (await _impact(tenant, program, manager))["indicators"][1]
    assert down["latest_value"] == 80.0  # 4 of 5 pairs logged
    await tenant.client.delete(indicator_url(program, objective, 1, "binding"), headers=manager)
    assert (await _impact(tenant, program, manager))["indicators"][1]["computation"] is None


async def test_a_computed_figure_over_fewer_than_five_is_not_shown(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    setups = [await make_pair(tenant, program=program, manager=manager) for _ in range(4)]
    for setup in setups:
        await setup.log(topics=["ai"])
    await tenant.client.put(
        indicator_url(program, objective, 0, "binding"),
        json={"computation": "mentees_logged_topic", "topic": "ai"},
        headers=manager,
    )
    up = (await _impact(tenant, program, manager))["indicators"][0]
    assert up["points"] == []
    assert up["latest_value"] is None
    assert "fewer than 5" in up["note"]


# Hand-computed: changes 2, 0, 1, 1, 1, 2; mean 7/6; sample sd 0.75277; se 0.30732;
# t(0.975, 5 df) = 2.570582; half-width 0.79000; interval [0.3767, 1.9567].
BEFORE = [2, 3, 2, 4, 3, 1]
AFTER = [4, 3, 3, 5, 4, 3]


async def test_learning_gains_are_paired_with_a_95_percent_interval(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant, status="enrolling")
    item = await add_item(tenant, program, manager, "mentee", "I use collaborative tools.")
    other = await add_item(tenant, program, manager, "mentor", "I understand the business.")
    mentees = await participants(tenant, program, "mentee", 6)
    mentors = await participants(tenant, program, "mentor", 4)
    for person, score in zip(mentees, BEFORE, strict=True):
        assert (
            await answer(tenant, program, person, "baseline", {item["id"]: score})
        ).status_code == 200
    for person in mentors:
        await answer(tenant, program, person, "baseline", {other["id"]: 2})
    # The end wave opens once the program runs.
    problem(await answer(tenant, program, mentees[0], "end", {item["id"]: 4}), 409)
    await set_status(tenant, program, "active")
    for person, score in zip(mentees, AFTER, strict=True):
        assert (
            await answer(tenant, program, person, "end", {item["id"]: score})
        ).status_code == 200
    for person in mentors:
        await answer(tenant, program, person, "end", {other["id"]: 4})
    gains = {g["item_id"]: g for g in (await _impact(tenant, program, manager))["learning"]}
    gain = gains[item["id"]]
    assert gain["shown"] is True
    assert gain["respondents"] == 6
    assert gain["compared"] == "baseline-end"
    assert (gain["mean_before"], gain["mean_after"]) == (2.5, 3.667)
    assert gain["mean_change"] == 1.167
    assert (gain["ci_low"], gain["ci_high"]) == (0.377, 1.957)
    assert (gain["improved"], gain["improved_share"]) == (5, 0.833)
    # Four mentors: below the threshold, nothing but the count, and the reason.
    hidden = gains[other["id"]]
    assert hidden["respondents"] == 4
    assert hidden["shown"] is False
    assert hidden["mean_change"] is None
    assert hidden["ci_low"] is None
    assert "fewer than 5" in hidden["note"]


async def test_answers_are_read_by_their_author_only(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant)
    item = await add_item(tenant, program, manager, "mentee", "I use collaborative tools.")
    mentor_item = await add_item(tenant, program, manager, "mentor", "I speak to executives.")
    first, second = await participants(tenant, program, "mentee", 2)
    await answer(tenant, program, first, "baseline", {item["id"]: 2})
    await answer(tenant, program, first, "baseline", {item["id"]: 3})  # corrected
    await answer(tenant, program, second, "mid", {item["id"]: 5})
    own = await tenant.client.get(url(program, "assessment-answers"), headers=tenant.as_user(first))
    assert [(a["wave"], a["score"]) for a in own.json()] == [("baseline", 3)]
    for reader in (manager, tenant.admin):
        seen = await tenant.client.get(url(program, "assessment-answers"), headers=reader)
        assert seen.json() == []
    # Another side's item, and people outside the program, are refused.
    problem(await answer(tenant, program, first, "mid", {mentor_item["id"]: 3}), 409)
    outsider = await tenant.employee()
    problem(await answer(tenant, program, outsider, "mid", {item["id"]: 3}), 403)
    # An answered item stays.
    deleted = await tenant.client.delete(
        url(program, "assessment-items", item["id"]), headers=manager
    )
    problem(deleted, 409, "assessment_item_answered")


async def _terminate(tenant: Tenant, person: dict[str, Any], on: str) -> None:
    response = await tenant.client.post(
        f"/api/v1/employees/{person['id']}/terminate",
        json={"terminated_on": on},
        headers=tenant.admin,
    )
    assert response.status_code == 200, response.text


async def _change(tenant: Tenant, person: dict[str, Any], **fields: Any) -> None:
    path = f"/api/v1/employees/{person['id']}"
    version = (await tenant.client.get(path, headers=tenant.admin)).json()["version"]
    response = await tenant.client.patch(
        path, json=fields, headers=tenant.admin | {"If-Match": f'"{version}"'}
    )
    assert response.status_code == 200, response.text


async def test_retention_against_a_comparison_group(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant, starts_on="2025-01-06")
    hired = {"hire_date": "2020-05-01", "department": "Engineering"}
    members = await participants(tenant, program, "mentee", 5, seniority_level=3, **hired)
    comparison = [await tenant.employee(seniority_level=4, **hired) for _ in range(6)]
    # Not comparable: another department, another band, hired after the start, gone before.
    await tenant.employee(seniority_level=3, hire_date="2020-05-01", department="Sales")
    await tenant.employee(seniority_level=8, **hired)
    await tenant.employee(seniority_level=3, hire_date="2025-02-01", department="Engineering")
    gone = await tenant.employee(seniority_level=3, **hired)
    await _terminate(tenant, gone, "2024-12-01")
    await _terminate(tenant, members[0], "2025-10-01")  # after 6 months, before 12
    for person, on in zip(comparison, ("2025-03-01", "2025-04-01", "2025-09-01"), strict=False):
        await _terminate(tenant, person, on)
    await _change(tenant, members[1], job_title="Product owner")
    await _change(tenant, comparison[5], department="Data")
    retention = (await _impact(tenant, program, manager))["retention"]
    assert retention["strata"] == 1
    participants_ = retention["participants"]
    assert (participants_["retained_6m"], participants_["retention_6m"]) == (5, 1.0)
    assert (participants_["retained_12m"], participants_["retention_12m"]) == (4, 0.8)
    # The job title had no earlier value: a first value is not a move.
    assert (participants_["moved"], participants_["mobility"]) == (0, 0.0)
    group = retention["comparison"]
    # Still in the group on the start day though they moved department later.
    assert group["size"] == 6
    assert (group["retained_6m"], group["retention_6m"]) == (4, 0.667)
    assert (group["retained_12m"], group["retention_12m"]) == (3, 0.5)
    assert (group["moved"], group["mobility"]) == (1, 0.167)
    assert "not proof of cause" in retention["limits"]


async def test_a_comparison_group_under_five_is_not_shown(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant)
    hired = {"hire_date": "2020-05-01", "department": "Engineering", "seniority_level": 3}
    await participants(tenant, program, "mentee", 5, **hired)
    for _ in range(4):
        await tenant.employee(**hired)
    retention = (await _impact(tenant, program, manager))["retention"]
    assert retention["participants"]["shown"] is True
    assert retention["comparison"] == {
        "size": 4,
        "shown": False,
        "retained_6m": None,
        "observed_6m": None,
        "retention_6m": None,
        "retained_12m": None,
        "observed_12m": None,
        "retention_12m": None,
        "moved": None,
        "mobility": None,
    }


async def test_the_csv_puts_counts_beside_rates(tenant: Tenant) -> None:
    program, objective, manager = await impact_program(tenant)
    await _measure(tenant, program, objective, 0, manager, 50, "2025-06-30")
    hired = {"hire_date": "2020-05-01", "department": "Engineering", "seniority_level": 3}
    await participants(tenant, program, "mentee", 5, **hired)
    for _ in range(5):
        await tenant.employee(**hired)
    response = await tenant.client.get(url(program, "impact.csv"), headers=manager)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    latest = next(r for r in rows if r["section"] == "indicator" and r["figure"] == "latest_value")
    assert latest["value"] == "50.0"
    rate = next(r for r in rows if r["key"] == "participants" and r["figure"] == "retention_12m")
    assert (rate["value"], rate["count"], rate["of"]) == ("1.0", "5", "5")


@pytest.mark.parametrize("language", ["fr-FR,fr;q=0.9,en;q=0.5", "en-GB"])
async def test_the_html_report_is_self_contained(tenant: Tenant, language: str) -> None:
    program, objective, manager = await impact_program(tenant)
    await _measure(tenant, program, objective, 0, manager, 50.5, "2025-06-30")
    response = await tenant.client.get(
        url(program, "impact.html"), headers=manager | {"Accept-Language": language}
    )
    assert response.status_code == 200
    lang = language[:2]
    assert response.headers["content-language"] == lang
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert f'<html lang="{lang}">' in page
    assert "<svg" in page
    assert "<script" not in page
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert ("50,5 %" if lang == "fr" else "50.5 %") in page


async def test_nothing_of_another_pair_leaks_through_the_report(tenant: Tenant) -> None:
    """A mentee of the program reads neither the report nor others' answers."""
    program, _objective, manager = await impact_program(tenant)
    setup = await make_pair(tenant, program=program, manager=manager)
    for reader in (setup.mentee, setup.mentor):
        problem(await tenant.client.get(url(program, "impact"), headers=reader), 403)
        problem(await tenant.client.get(url(program, "impact.html"), headers=reader), 403)
    assert pair_url(setup.pair)


async def test_answers_and_moves_are_exported_and_erased(tenant: Tenant) -> None:
    program, _objective, manager = await impact_program(tenant)
    item = await add_item(tenant, program, manager, "mentee", "I speak up in meetings.")
    [person] = await participants(tenant, program, "mentee", 1, job_title="Analyst")
    await answer(tenant, program, person, "baseline", {item["id"]: 2})
    await _change(tenant, person, job_title="Senior analyst", department="Finance")
    personal = f"/api/v1/employees/{person['id']}/personal-data"
    data = (await tenant.client.get(personal, headers=tenant.as_user(person))).json()
    assert [(a["statement"], a["wave"], a["score"]) for a in data["assessment_answers"]] == [
        ("I speak up in meetings.", "baseline", 2)
    ]
    moves = {
        (m["field"], m["from_value"], m["to_value"]) for m in data["department_and_title_history"]
    }
    assert moves == {
        ("job_title", "Analyst", "Senior analyst"),
        ("department", "Engineering", "Finance"),
    }
    assert (await tenant.client.delete(personal, headers=tenant.admin)).status_code == 204
    after = (await tenant.client.get(personal, headers=tenant.admin)).json()
    assert after["assessment_answers"] == []
    # The moves stay counted, their values gone.
    assert sorted(m["field"] for m in after["department_and_title_history"]) == [
        "department",
        "job_title",
    ]
    assert "analyst" not in str(after["department_and_title_history"]).lower()
