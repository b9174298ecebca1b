"""The committed API documents, rendered deterministically from the code.

``openapi/openapi.json`` describes REST; ``openapi/schema.graphql`` is the GraphQL schema in
SDL, from which front-end teams generate their types.
"""

import json
from pathlib import Path

from app.config import Settings

OPENAPI_PATH = Path("openapi/openapi.json")
SDL_PATH = Path("openapi/schema.graphql")


def render() -> str:
    from app.main import create_app

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_sdl() -> str:
    from app.api.graphql.schema import schema

    return schema.as_str() + "\n"


def rendered() -> dict[Path, str]:
    """Each committed document's path (relative to the repository) and its content."""
    return {OPENAPI_PATH: render(), SDL_PATH: render_sdl()}
