"""One JSON access-log line per request, with its route and request id; none below the level."""

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from app.observability import configure_logging
from tests.conftest import Tenant


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _access_lines(output: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "app.access"]


@pytest.mark.usefixtures("restore_logging")
async def test_each_request_writes_one_access_line(
    client: httpx.AsyncClient, tenant: Tenant, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    capsys.readouterr()
    # Not a UUID: a load balancer's trace id is kept as sent, and logged.
    request_id = "Root=1-67891233-abcdef012345678912345678"
    response = await client.get(
        "/api/v1/employees?limit=1", headers={**tenant.admin, "X-Request-ID": request_id}
    )
    assert response.status_code == 200
    (line,) = _access_lines(capsys.readouterr().out)
    assert line["route"] == "/api/v1/employees"
    assert line["status"] == 200
    assert line["request_id"] == request_id
    assert line["organization_id"] == str(tenant.organization_id)


@pytest.mark.usefixtures("restore_logging")
async def test_no_access_line_below_the_level(
    client: httpx.AsyncClient, tenant: Tenant, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("WARNING", json=True)
    capsys.readouterr()
    assert (await client.get("/api/v1/employees?limit=1", headers=tenant.admin)).status_code == 200
    assert _access_lines(capsys.readouterr().out) == []
