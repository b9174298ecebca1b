"""The command line: migrate, create tenants and keys, seed the demo, mint development tokens."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.main import create_app
from tests.shell_support import paste, run_pasted

runner = CliRunner()
TOKEN = re.compile(r"mk_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MENTOR_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def invoke(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_operator_flow(cli_database: str) -> None:
    assert "migrated" in invoke("migrate")
    output = invoke("create-org", "Globex Corporation")
    assert "globex-corporation" in output
    admin_key = TOKEN.search(output)
    assert admin_key

    output = invoke(
        "create-api-key",
        "--org",
        "globex-corporation",
        "--scopes",
        "read,hris:sync",
        "--name",
        "HRIS",
    )
    reader_key = TOKEN.search(output)
    assert reader_key

    refused = runner.invoke(
        cli, ["create-api-key", "--org", "globex-corporation", "--scopes", "root"]
    )
    assert refused.exit_code == 2
    assert "unknown scopes" in refused.output
    missing = runner.invoke(cli, ["create-api-key", "--org", "nope", "--scopes", "read"])
    assert missing.exit_code == 1
    assert "No organisation" in missing.output
    duplicate = runner.invoke(cli, ["create-org", "Globex Corporation"])
    assert duplicate.exit_code == 1
    # Nothing to run yet: nothing due.
    assert "0 items due, 0 nudges sent" in invoke(
        "engagement", "run", "--org", "globex-corporation"
    )
    assert runner.invoke(cli, ["engagement", "run", "--org", "nope"]).exit_code == 1

    _check_keys(cli_database, admin_key.group(), reader_key.group())


def _check_keys(url: str, admin: str, reader: str) -> None:
    import asyncio

    async def check() -> None:
        app = create_app(Settings(database_url=url))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {admin}"})
            assert me.json()["role"] == "admin"
            me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {reader}"})
            assert sorted(me.json()["scopes"]) == ["hris:sync", "read"]
        await app.state.engine.dispose()

    asyncio.run(check())


def test_seed_demo_prints_what_to_try_and_it_works(cli_database: str) -> None:
    invoke("migrate")
    output = invoke("seed-demo")
    assert re.search(
        r"demo organisation Acme Demo \(slug acme-demo\): 120 employees, loaded", output
    )
    for status in ("consultation", "enrolling", "active", "completed"):
        assert re.search(rf"^  {status} +\S", output, re.MULTILINE), output
    assert TOKEN.search(output)
    block = output[output.index("# Paste these first") :].splitlines()
    pasted = paste(block)
    assert len(pasted.commands) == 6
    mentee = re.search(r"# mentee: .* <(\S+)>", output).group(1)  # type: ignore[union-attr]
    ran = re.search(
        r"(\d+) items due, (\d+) nudges sent, 0 pairs paused", invoke("engagement", "run")
    )
    assert ran is not None
    assert int(ran.group(1)) == int(ran.group(2)) > 0  # the demo's agendas, each nudged once
    token = invoke("dev-token", "--org", "acme-demo", "--email", mentee).strip()

    import asyncio

    async def check() -> None:
        app = create_app(Settings(database_url=cli_database, run_worker_in_process=False))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            answers = await run_pasted(client, pasted, app.state.session_factory)
            for command, response in zip(pasted.commands, answers, strict=True):
                assert response.status_code in (200, 202), (command, response.text)
                assert "errors" not in response.json()
            # The health check ran after the load: pairs carry their health already.
            manager = {"Authorization": f"Bearer {pasted.env['MANAGER_TOKEN']}"}
            listed = await client.get("/api/v1/pairs?status=active&limit=100", headers=manager)
            assert {p["health"] for p in listed.json()["items"]} == {
                "on_track",
                "needs_attention",
                "at_risk",
            }
            me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
            assert me.json()["employee"]["email"] == mentee
        await app.state.engine.dispose()

    asyncio.run(check())


def test_openapi_check_detects_drift_in_either_document(tmp_path: Path) -> None:
    check = ["openapi", "--check", "--directory", str(tmp_path)]
    assert runner.invoke(cli, check).exit_code == 1
    invoke("openapi", "--directory", str(tmp_path))
    assert "up to date" in invoke(*check)
    document = tmp_path / "openapi" / "openapi.json"
    document.write_text(document.read_text().replace("Create an employee", "Make someone up"))
    assert runner.invoke(cli, check).exit_code == 1
    invoke("openapi", "--directory", str(tmp_path))
    sdl = tmp_path / "openapi" / "schema.graphql"
    assert "type Query {" in sdl.read_text()
    sdl.write_text(sdl.read_text().replace("type Query {", "type Query {\n  extra: Int"))
    drifted = runner.invoke(cli, check)
    assert drifted.exit_code == 1
    assert "schema.graphql is outdated" in drifted.output


CSV_HEADER = "id,email,given_name,family_name,job_title,manager_id,employment_status\n"


def test_import_employees_dry_run_then_idempotent_upsert(cli_database: str, tmp_path: Path) -> None:
    invoke("migrate")
    output = invoke("create-org", "Initech")
    admin = TOKEN.search(output)
    assert admin
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CSV_HEADER
        + "E1,peter@initech.example,Peter,Gibbons,Engineer,E2,active\n"
        + "E2,not-an-email,Bill,Lumbergh,VP,,active\n"
        + "E3,milton@initech.example,,Waddams,Clerk,,fired\n"
        + "E1,again@initech.example,Peter,Gibbons,Engineer,,active\n"
    )
    result = runner.invoke(cli, ["import-employees", str(bad), "--org", "initech", "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "line 3: email:" in result.output
    assert "line 4: employment_status:" in result.output
    assert "line 5: id: 'E1' is on line 2 too" in result.output
    assert "nothing was written" in result.output

    good = tmp_path / "good.csv"
    good.write_text(
        CSV_HEADER
        + "E1,peter@initech.example,Peter,Gibbons,Engineer,E2,active\n"
        + "E2,bill@initech.example,Bill,Lumbergh,VP,,active\n"
        + "E3,milton@initech.example,Milton,Waddams,Clerk,E2,terminated\n"
    )
    dry = invoke("import-employees", str(good), "--org", "initech", "--dry-run")
    assert "3 rows: 2 created, 1 terminated; 0 errors" in dry
    assert "dry run: nothing was written" in dry
    assert _employees(cli_database, admin.group()) == {}

    assert "imported" in invoke("import-employees", str(good), "--org", "initech")
    people = _employees(cli_database, admin.group())
    assert people["E1"]["manager_id"] == people["E2"]["id"]  # linked once E2 arrived
    assert people["E3"]["status"] == "terminated"
    again = invoke("import-employees", str(good), "--org", "initech")
    assert "3 rows: 3 unchanged; 0 errors" in again
    assert len(_employees(cli_database, admin.group())) == 3


def _employees(url: str, admin: str) -> dict[str, dict[str, object]]:
    import asyncio

    async def fetch() -> dict[str, dict[str, object]]:
        app = create_app(Settings(database_url=url))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            response = await client.get(
                "/api/v1/employees", headers={"Authorization": f"Bearer {admin}"}
            )
        await app.state.engine.dispose()
        return {e["external_id"]: e for e in response.json()["items"]}

    return asyncio.run(fetch())


def test_worker_sends_what_the_api_queued(
    cli_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mentorship worker` is a separate process: here, another event loop and engine."""
    import asyncio

    monkeypatch.setenv("MENTOR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")  # a loopback receiver
    get_settings.cache_clear()

    from tests.integration.test_webhook_delivery import Receiver

    invoke("migrate")
    admin = TOKEN.search(invoke("create-org", "Hooli"))
    assert admin
    receiver = Receiver()
    receiver.start()
    headers = {"Authorization": f"Bearer {admin.group()}"}

    async def queue() -> None:
        app = create_app(Settings(database_url=cli_database))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            created = await client.post(
                "/api/v1/webhook-subscriptions",
                json={"url": receiver.url, "event_types": ["employee.created"]},
                headers=headers,
            )
            assert created.status_code == 201, created.text
            person = {"email": "gavin@hooli.example", "given_name": "Gavin", "family_name": "B"}
            assert (await client.post("/api/v1/employees", json=person, headers=headers)).is_success
        await app.state.engine.dispose()

    try:
        asyncio.run(queue())
        assert receiver.received == []
        result = runner.invoke(cli, ["worker", "--once"])
        assert result.exit_code == 0, result.output
        assert [e["type"] for e in receiver.envelopes()] == ["employee.created"]
    finally:
        receiver.stop()


def test_worker_once_runs_queued_matching_runs(cli_database: str) -> None:
    import asyncio
    import uuid
    from collections.abc import Awaitable, Callable
    from typing import Any

    from tests.api.matching_support import queue
    from tests.api.programs_support import url
    from tests.api.rest.test_matching_jobs import a_program_to_match
    from tests.conftest import Tenant

    invoke("migrate")
    admin = TOKEN.search(invoke("create-org", "Initech"))
    assert admin

    def through_the_api(steps: Callable[[Tenant], Awaitable[Any]]) -> Any:
        async def call() -> Any:
            app = create_app(Settings(database_url=cli_database))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
                tenant = Tenant(client, app, uuid.uuid4(), "initech", admin.group(), "unused")
                result = await steps(tenant)
            await app.state.engine.dispose()
            return result

        return asyncio.run(call())

    async def ask(tenant: Tenant) -> str:
        program = await a_program_to_match(tenant)
        queued = (await queue(tenant, program)).json()
        assert queued["status"] == "queued"
        return url(program, "matching-runs", queued["id"])

    path: str = through_the_api(ask)

    async def read(tenant: Tenant) -> dict[str, Any]:
        return dict((await tenant.client.get(path, headers=tenant.admin)).json())

    result = runner.invoke(cli, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    ran = through_the_api(read)
    assert ran["status"] == "completed", ran
    assert ran["summary"]["pairs"] == 3
