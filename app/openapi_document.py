"""The committed OpenAPI document, rendered deterministically from the code."""

import json

from app.config import Settings


def render() -> str:
    from app.main import create_app

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
