"""Alembic, driven from code: the CLI's ``migrate``, readiness checks and tests use it."""

import os
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command


def _find_ini() -> Path:
    candidates = []
    if env := os.environ.get("MENTOR_ALEMBIC_INI"):
        candidates.append(Path(env))
    candidates.append(Path(__file__).resolve().parents[2] / "alembic.ini")
    candidates.append(Path.cwd() / "alembic.ini")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("alembic.ini not found; set MENTOR_ALEMBIC_INI")


def alembic_config(database_url: str) -> Config:
    ini = _find_ini()
    config = Config(str(ini))
    config.set_main_option("script_location", str(ini.parent / "alembic"))
    # Percent signs in URLs (encoded passwords) would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revisions(database_url: str) -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


async def current_revisions(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as connection:
        try:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            # No table: the database was never migrated.
            return frozenset()
        return frozenset(row[0] for row in rows)
