"""The committed OpenAPI document is the code's, and documents every operation fully."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from openapi_spec_validator import validate

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


def test_the_document_is_valid_openapi() -> None:
    validate(json.loads(render()))


def test_operation_ids_are_the_handlers_names() -> None:
    document = json.loads(render())
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", operation_id) for operation_id in ids), ids


def test_a_typed_client_generates_without_warnings_and_type_checks(tmp_path: Path) -> None:
    """What an integrator does first: generate a Python client from the document."""
    bin_dir = Path(sys.executable).parent
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(REPO_ROOT / "openapi" / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "mentorship_client"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output, output
    package = tmp_path / "mentorship_client"
    assert (package / "api" / "pairs" / "list_pairs.py").exists()
    # The client's own HTTP plumbing (client.py) is the generator's template; what it derived
    # from the document (every model and operation) must import and type-check.
    checked = subprocess.run(
        [
            str(bin_dir / "mypy"),
            "--strict",
            "--follow-imports=silent",
            "--no-incremental",
            str(package / "api"),
            str(package / "models"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
