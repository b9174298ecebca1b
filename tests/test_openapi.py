"""The committed OpenAPI document is the code's, and documents every operation fully."""

import json

from app.openapi_document import render, rendered
from tests.conftest import REPO_ROOT


def test_committed_documents_match_the_code() -> None:
    for path, text in rendered().items():
        assert (REPO_ROOT / path).read_text() == text, f"run `make openapi` and commit {path}"


def test_every_operation_has_summary_tag_and_error_responses() -> None:
    document = json.loads(render())
    assert document["openapi"].startswith("3.1")
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 15
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("tags"), where
        errors = {code for code in op["responses"] if code.startswith(("4", "5"))}
        assert errors or path == "/health", where  # liveness cannot refuse
        for code in errors:
            content = op["responses"][code]["content"]
            assert list(content) == ["application/problem+json"], where
        if path.startswith("/api/"):
            assert {"401", "403", "422"} <= errors, where
            assert op.get("security"), where
        if "{" in path:
            assert "404" in errors, where
        if method == "patch":
            assert {"412", "428"} <= errors, where
