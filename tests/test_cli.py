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


def test_seed_demo_is_realistic_and_repeatable(cli_database: str) -> None:
    invoke("migrate")
    first = invoke("seed-demo")
    assert "acme-demo" in first
    count = int(re.search(r"(\d+) employees", first).group(1))  # type: ignore[union-attr]
    assert 60 <= count <= 150
    second = invoke("seed-demo")
    assert f"{count} employees" in second  # no duplicates on a second run
    key = TOKEN.search(second)
    assert key
    email = re.search(r"--email (\S+)", second).group(1)  # type: ignore[union-attr]
    token = invoke("dev-token", "--org", "acme-demo", "--email", email).strip()

    import asyncio

    async def check() -> None:
        app = create_app(Settings(database_url=cli_database))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            admin = {"Authorization": f"Bearer {key.group()}"}
            people = (await client.get("/api/v1/employees?limit=200", headers=admin)).json()[
                "items"
            ]
            assert len(people) == count
            assert len({p["department"] for p in people}) >= 6
            assert any(p["manager_id"] is None for p in people)
            assert sum(p["manager_id"] is not None for p in people) == count - 1
            years = [p["birth_year"] for p in people]
            assert max(years) - min(years) >= 25  # juniors and seniors, as reverse mentoring needs
            assert {p["role"] for p in people} == {"admin", "program_manager", "employee"}
            me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
            assert me.json()["employee"]["email"] == email
        await app.state.engine.dispose()

    asyncio.run(check())


def test_openapi_check_detects_drift(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    assert runner.invoke(cli, ["openapi", "--check", "--path", str(path)]).exit_code == 1
    invoke("openapi", "--path", str(path))
    assert "up to date" in invoke("openapi", "--check", "--path", str(path))
    path.write_text(path.read_text().replace("Create an employee", "Make someone up"))
    assert runner.invoke(cli, ["openapi", "--check", "--path", str(path)]).exit_code == 1
