"""Right of access and right to erasure."""

import uuid

from sqlmodel import col, select

from app.db.engine import unit_of_work
from app.domain.events.models import OutboxEvent
from app.domain.participants.models import Participant, ParticipantRole
from tests.conftest import Tenant, problem


async def _program_with_contribution(tenant: Tenant, person: dict) -> str:  # type: ignore[type-arg]
    program = (
        await tenant.client.post("/api/v1/programs", json={"name": "Digital"}, headers=tenant.admin)
    ).json()
    base = f"/api/v1/programs/{program['id']}/consultation"
    opened = await tenant.client.post(
        base,
        json={"question": "What should juniors teach?", "deadline": "2099-01-01T00:00:00Z"},
        headers=tenant.admin,
    )
    assert opened.status_code == 201, opened.text
    invited = await tenant.client.post(
        f"{base}/stakeholders",
        json={"employee_id": person["id"], "role": "future_mentee"},
        headers=tenant.admin,
    )
    assert invited.status_code == 201, invited.text
    contributed = await tenant.client.post(
        f"{base}/contributions",
        json={"kind": "comment", "body": "I struggle with Teams, my name is Bob"},
        headers=tenant.as_user(person),
    )
    assert contributed.status_code == 201, contributed.text
    proposed = await tenant.client.post(
        f"{base}/contributions",
        json={
            "kind": "proposed_objective",
            "proposal": {"title": "Bob's TikTok for CFOs", "category": "culture"},
        },
        headers=tenant.as_user(person),
    )
    assert proposed.status_code == 201, proposed.text
    return str(program["id"])


async def test_export_and_erase(tenant: Tenant, other_tenant: Tenant) -> None:
    person = await tenant.employee(
        given_name="Bob", family_name="Builder", birth_year=1966, job_title="CFO"
    )
    program_id = await _program_with_contribution(tenant, person)
    async with unit_of_work(tenant.app.state.session_factory) as session:
        session.add(
            Participant(
                organization_id=tenant.organization_id,
                program_id=uuid.UUID(program_id),
                employee_id=uuid.UUID(person["id"]),
                role=ParticipantRole.MENTEE,
                mindset_statement="I am Bob and I want to learn TikTok",
            )
        )
    url = f"/api/v1/employees/{person['id']}/personal-data"

    # The person and administrators may export; a colleague may not; another tenant sees nothing.
    colleague = await tenant.employee()
    problem(await tenant.client.get(url, headers=tenant.as_user(colleague)), 403)
    problem(await other_tenant.client.get(url, headers=other_tenant.admin), 404)
    own = await tenant.client.get(url, headers=tenant.as_user(person))
    assert own.status_code == 200, own.text
    data = own.json()
    assert data["employee"]["given_name"] == "Bob"
    assert data["employee"]["birth_year"] == 1966
    assert data["consultation_contributions"][0]["body"] == "I struggle with Teams, my name is Bob"
    assert data["enrolments"][0]["mindset_statement"] == "I am Bob and I want to learn TikTok"
    assert next(e["type"] for e in data["events"]) == "employee.created"

    # Only administrators erase.
    problem(await tenant.client.delete(url, headers=tenant.as_user(person)), 403)
    assert (await tenant.client.delete(url, headers=tenant.admin)).status_code == 204

    after = (await tenant.client.get(url, headers=tenant.admin)).json()
    text = str(after)
    for secret in ("Bob", "Builder", "CFO", "TikTok", person["email"]):
        assert secret not in text, secret
    # A year is four digits that an identifier or a timestamp may hold by chance.
    assert after["employee"]["birth_year"] is None
    assert after["employee"]["erased_at"] is not None
    assert after["employee"]["department"] == person["department"]  # aggregates keep it
    assert after["employee"]["status"] == "inactive"
    # Counts stay: the contribution is still there, with its text gone.
    assert len(after["consultation_contributions"]) == 2
    assert after["consultation_contributions"][0]["body"] == "[erased]"
    # The consultation still reads through the API, the proposal's words gone, its kind kept.
    listed = await tenant.client.get(
        f"/api/v1/programs/{program_id}/consultation/contributions", headers=tenant.admin
    )
    assert listed.status_code == 200, listed.text
    [proposal] = [c for c in listed.json()["items"] if c["kind"] == "proposed_objective"]
    assert proposal["proposal"] == {"title": "[erased]", "category": "culture", "description": None}
    # The person can no longer sign in.
    problem(await tenant.client.get("/api/v1/me", headers=tenant.as_user(person)), 401)
    async with unit_of_work(tenant.app.state.session_factory) as session:
        events = (
            await session.exec(
                select(OutboxEvent)
                .where(OutboxEvent.subject_id == uuid.UUID(person["id"]))
                .order_by(col(OutboxEvent.id))
            )
        ).all()
    assert "Bob" not in str([e.data for e in events])
    assert events[-1].type == "employee.erased"

    audit = (
        await tenant.client.get(
            "/api/v1/audit-log", params={"subject_id": person["id"]}, headers=tenant.admin
        )
    ).json()
    assert [e["action"] for e in audit["items"]] == [
        "employee.personal_data_exported",
        "employee.personal_data_erased",
        "employee.personal_data_exported",
    ]
