"""Migrations: they go up and down cleanly, and the models hold nothing they do not create."""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.migrations import current_revisions, downgrade, head_revisions, upgrade
from app.domain.models import metadata
from tests.conftest import POSTGRES_ADMIN_URL, _asyncpg_dsn


@pytest.fixture
async def empty_database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"mentorship_migrations_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{name}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    await asyncio.to_thread(upgrade, empty_database)
    assert await _tables(empty_database) == set(metadata.tables)
    await asyncio.to_thread(downgrade, empty_database, "base")
    assert await _tables(empty_database) == set()
    await asyncio.to_thread(upgrade, empty_database)
    engine = create_async_engine(empty_database)
    assert await current_revisions(engine) == head_revisions(empty_database)
    await engine.dispose()


async def test_models_match_migrations(database_url: str) -> None:
    """What `alembic revision --autogenerate` would find: nothing."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(
                    c, opts={"compare_type": True, "compare_server_default": True}
                ),
                metadata,
            )
        )
    await engine.dispose()
    assert diff == [], diff


def test_single_head() -> None:
    url = os.environ.get("MENTOR_DATABASE_URL", "sqlite+aiosqlite:///:memory:")
    assert len(head_revisions(url)) == 1
