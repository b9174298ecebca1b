"""Property-based fuzzing of every documented operation, against a live server.

Schemathesis reads the committed OpenAPI document, generates valid and invalid requests
for each operation, sends them with an admin key, and checks that the service never
answers 5xx, answers only documented status codes and content types, that every body
matches its documented schema, that every request the schema refuses is refused, and that
no request it allows is refused as malformed.
"""

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from tests.conftest import REPO_ROOT, LiveServer
from tests.fuzz import FUZZ_SETTINGS, REQUEST_TIMEOUT
from tests.fuzz.regressions import REST, Found

# The answers each check accepts, and why, are in schemathesis.toml next to this file.
CONFIG = SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml"))
schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi" / "openapi.json", config=CONFIG)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.ignored_auth,
    checks.use_after_free,
    checks.ensure_resource_availability,
    # Schema-violating requests are refused, schema-valid ones are not refused as malformed:
    # the published schema is what the server enforces.
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
]


# The admin key of the backend under test (each backend's server has its own organisation).
ADMIN_KEY: dict[str, str] = {}


@pytest.fixture(scope="session")
def admin_headers(live_server: LiveServer) -> dict[str, str]:
    _organization_id, token = live_server.new_organization("Fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    ADMIN_KEY.update(headers)
    return headers


@schema.auth(refresh_interval=None)
class AdminKey:
    """Every generated case carries the admin key as schemathesis' own authentication, so its
    checks judge the headers that are sent (a key passed beside the case replaced a generated
    "no Authorization header" that the negative-data check still believed missing)."""

    def get(self, case: Any, ctx: Any) -> str | None:
        return ADMIN_KEY.get("Authorization")

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


@pytest.mark.parametrize("found", REST, ids=lambda found: f"{found.method} {found.path}")
def test_what_was_found_once_stays_fixed(
    found: Found, live_server: LiveServer, admin_headers: dict[str, str]
) -> None:
    operation = schema[found.path][found.method]
    parts: dict[str, Any] = {"query": found.query or None}
    if found.body is not None:
        parts["body"] = found.body
    if found.path_parameters:
        parts["path_parameters"] = found.path_parameters
    case = operation.Case(**parts)
    response = case.call_and_validate(
        base_url=live_server.url, headers=admin_headers, checks=CHECKS, timeout=REQUEST_TIMEOUT
    )
    if found.status is not None:
        assert response.status_code == found.status, (found.why, response.text)


@schema.exclude(path="/metrics").parametrize()
@FUZZ_SETTINGS
def test_every_operation(case: Any, live_server: LiveServer, admin_headers: dict[str, str]) -> None:
    assert admin_headers == ADMIN_KEY  # the key the cases were given is this backend's
    case.call_and_validate(base_url=live_server.url, checks=CHECKS, timeout=REQUEST_TIMEOUT)
