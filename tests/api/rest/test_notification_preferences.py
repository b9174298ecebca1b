"""A person's notification preferences: defaults, replacement, versions, refusals."""

from tests.conftest import Tenant, problem

URL = "/api/v1/me/notification-preferences"


async def test_defaults_then_replace(tenant: Tenant) -> None:
    person = await tenant.employee(languages=["fr", "en"], timezone="America/Montreal")
    headers = tenant.as_user(person)
    first = await tenant.client.get(URL, headers=headers)
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"0"'
    assert first.json() == {
        "email_enabled": True,
        "muted_kinds": [],
        "quiet_hours": {"start": "20:00", "end": "08:00"},
        "timezone": "America/Montreal",
        "language": "fr",
        "version": 0,
    }
    body = {
        "email_enabled": True,
        "muted_kinds": ["workshop_tomorrow", "feedback_due", "workshop_tomorrow"],
        "quiet_hours": {"start": "19:00", "end": "08:30"},
    }
    put = await tenant.client.put(URL, json=body, headers=headers | {"If-Match": '"0"'})
    assert put.status_code == 200, put.text
    assert put.headers["ETag"] == '"1"'
    assert put.json()["muted_kinds"] == ["feedback_due", "workshop_tomorrow"]
    # Without If-Match too; null quiet hours: e-mails at any hour.
    again = await tenant.client.put(URL, json={"quiet_hours": None}, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json() | {"version": None} == {
        "email_enabled": True,
        "muted_kinds": [],
        "quiet_hours": None,
        "timezone": "America/Montreal",
        "language": "fr",
        "version": None,
    }
    assert again.json()["version"] == 2
    read = await tenant.client.get(URL, headers=headers)
    assert read.json() == again.json()
    # Someone else's are their own.
    other = await tenant.employee()
    theirs = await tenant.client.get(URL, headers=tenant.as_user(other))
    assert theirs.json()["quiet_hours"] == {"start": "20:00", "end": "08:00"}
    assert theirs.json()["language"] == "en"


async def test_refusals(tenant: Tenant) -> None:
    person = await tenant.employee()
    headers = tenant.as_user(person)
    problem(
        await tenant.client.put(URL, json={}, headers=headers | {"If-Match": '"3"'}),
        412,
        "version_mismatch",
    )
    problem(
        await tenant.client.put(
            URL, json={"quiet_hours": {"start": "22:00", "end": "22:00"}}, headers=headers
        ),
        409,
        "empty_quiet_hours",
    )
    for body in (
        {"quiet_hours": {"start": "24:00", "end": "08:00"}},
        {"quiet_hours": {"start": "7:00", "end": "08:00"}},
        {"muted_kinds": ["Not A Kind"]},
        {"email_enabled": "no"},
        {"email": False},
    ):
        problem(await tenant.client.put(URL, json=body, headers=headers), 422)
    # Nothing changed.
    assert (await tenant.client.get(URL, headers=headers)).json()["version"] == 0
    # API keys are nobody: no preferences.
    key = await tenant.api_key("read")
    problem(await tenant.client.get(URL, headers=key), 403, "not_a_person")
    problem(await tenant.client.put(URL, json={}, headers=tenant.admin), 403, "not_a_person")
