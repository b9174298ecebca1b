"""docs/tour.md is executed, in order, against a fresh demo organisation.

Each request block (```sh tour=NAME status=CODE) is a curl command; the answer block that
follows it (```json tour=NAME) is an excerpt that must match the real answer (see
``tests.shell_support.mismatch``). A matching run the tour queues is run by a worker before
the next request, as a deployment's worker would. ``{{name.path}}`` stands for a field of an earlier
answer, ``{{yesterday}}`` and ``{{next_week}}`` for those dates. The day the document stops
telling the truth, this test fails.
"""

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from markdown_it import MarkdownIt

from app.demo import DemoResult
from app.domain.matching.job import MatchingJobs
from tests.conftest import REPO_ROOT
from tests.shell_support import mismatch, parse_curl, send

TOUR = REPO_ROOT / "docs" / "tour.md"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")


@dataclass
class Step:
    name: str
    status: int
    command: str
    excerpt: str | None = None


def tour_steps() -> list[Step]:
    """The request and answer blocks of the tour, paired by name, in the order written."""
    steps: list[Step] = []
    for token in MarkdownIt().parse(TOUR.read_text(encoding="utf-8")):
        if token.type != "fence":
            continue
        language, *words = token.info.split()
        marks = dict(word.split("=", 1) for word in words if "=" in word)
        if "tour" not in marks:
            continue
        if language == "sh":
            steps.append(Step(marks["tour"], int(marks["status"]), token.content))
        else:
            assert language == "json", f"a tour block in {language!r}"
            assert steps, "an answer before any request"
            assert steps[-1].name == marks["tour"], f"answer {marks['tour']} follows another step"
            assert steps[-1].excerpt is None, f"two answers for {marks['tour']}"
            steps[-1].excerpt = token.content
    return steps


def fill(text: str, answers: dict[str, Any]) -> str:
    today = datetime.now(UTC).date()
    dates = {
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "next_week": (today + timedelta(days=7)).isoformat(),
    }

    def value(match: re.Match[str]) -> str:
        name, *path = match.group(1).split(".")
        if name in dates and not path:
            return dates[name]
        assert name in answers, f"{{{{{match.group(1)}}}}} names no earlier step"
        found: Any = answers[name]
        for part in path:
            found = found[int(part)] if isinstance(found, list) else found[part]
        return str(found)

    return PLACEHOLDER.sub(value, text)


def test_the_tour_is_a_program_s_whole_life() -> None:
    steps = tour_steps()
    assert 12 <= len(steps) <= 24
    assert all(step.excerpt for step in steps), [s.name for s in steps if not s.excerpt]
    assert len({step.name for step in steps}) == len(steps)
    commands = " ".join(step.command for step in steps)
    for stage in (
        "/programs ",
        "/objectives",
        "/consultation ",
        "/consultation/close",
        "/transitions",
        "/participants",
        "/matching-runs",
        "/accept",
        "/agreement",
        "/session-logs",
        "/confirm",
        "/progress",
        "/dashboard",
        "/webhook-subscriptions",
    ):
        assert stage in commands.replace("\\\n", " ").replace("\n", " "), stage
    assert '"dry_run": true' in commands


async def test_every_request_of_the_tour_answers_as_written(
    app: FastAPI, client: httpx.AsyncClient, demo_org: DemoResult
) -> None:
    env = {
        "API": "http://127.0.0.1:8000",
        "ADMIN_KEY": demo_org.admin_token,
        "MANAGER_TOKEN": demo_org.manager.token,
        "MENTOR_TOKEN": demo_org.mentor.token,
        "MENTEE_TOKEN": demo_org.mentee.token,
    }
    answers: dict[str, Any] = {}
    for step in tour_steps():
        request = parse_curl(fill(step.command, answers), env)
        response = await send(client, request)
        assert response.status_code == step.status, (step.name, response.text)
        answer = response.json()
        assert step.excerpt is not None
        expected = json.loads(fill(step.excerpt, answers))
        assert mismatch(expected, answer) is None, (step.name, mismatch(expected, answer))
        answers[step.name] = answer
        if request.path.endswith("/matching-runs") and answer.get("status") == "queued":
            # What a deployment's worker does between this request and the next.
            assert await MatchingJobs(app.state.session_factory).run_once(uuid.UUID(answer["id"]))
