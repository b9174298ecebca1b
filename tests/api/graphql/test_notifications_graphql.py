"""Notification preferences through GraphQL: the viewer's, and the mutation that sets them."""

from typing import Any

from tests.conftest import Tenant

VIEWER = "{ viewer { notificationPreferences { emailEnabled mutedKinds quietHours { start end } "
VIEWER += "timezone language version } } }"
SET = """
mutation($input: NotificationPreferencesInput!, $version: Int) {
  updateNotificationPreferences(input: $input, version: $version) {
    emailEnabled mutedKinds quietHours { start end } version
  }
}
"""


async def test_viewer_reads_and_sets_their_preferences(tenant: Tenant) -> None:
    person = await tenant.employee(languages=["fr"])
    headers = tenant.as_user(person)
    read = await tenant.client.post("/graphql", json={"query": VIEWER}, headers=headers)
    assert read.json() == {
        "data": {
            "viewer": {
                "notificationPreferences": {
                    "emailEnabled": True,
                    "mutedKinds": [],
                    "quietHours": {"start": "20:00", "end": "08:00"},
                    "timezone": "Europe/Paris",
                    "language": "fr",
                    "version": 0,
                }
            }
        }
    }
    muting = {"input": {"mutedKinds": ["pair_inactive"], "quietHours": None}, "version": 0}
    changed = await tenant.client.post(
        "/graphql", json={"query": SET, "variables": muting}, headers=headers
    )
    assert changed.json() == {
        "data": {
            "updateNotificationPreferences": {
                "emailEnabled": True,
                "mutedKinds": ["pair_inactive"],
                "quietHours": None,
                "version": 1,
            }
        }
    }
    # The same rules as REST: a stale version, empty quiet hours, a malformed time.
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"input": {}, "version": 0}, "version_mismatch"),
        ({"input": {"quietHours": {"start": "09:00", "end": "09:00"}}}, "empty_quiet_hours"),
        ({"input": {"quietHours": {"start": "9h", "end": "10:00"}}}, "validation_failed"),
    ]
    for variables, code in refusals:
        refused = await tenant.client.post(
            "/graphql", json={"query": SET, "variables": variables}, headers=headers
        )
        [error] = refused.json()["errors"]
        assert error["extensions"]["code"] == code, refused.text
    # An API key has no preferences: null in the viewer, refused in the mutation.
    key = await tenant.api_key("read")
    as_key = await tenant.client.post("/graphql", json={"query": VIEWER}, headers=key)
    assert as_key.json()["data"]["viewer"]["notificationPreferences"] is None
    refused = await tenant.client.post(
        "/graphql", json={"query": SET, "variables": {"input": {}}}, headers=tenant.admin
    )
    assert refused.json()["errors"][0]["extensions"]["status"] == 403
