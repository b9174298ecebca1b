"""Records each problem the API answers during the test run, by operation of the OpenAPI
document, so that `test_problem_codes.py` can check that every one was declared.

Installed for the whole session by `tests/conftest.py`; the check runs last.
"""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.routing import Match

from app.api.problems import CODES_EXTENSION

Observation = tuple[str, str, int, str]
"""(method, path template, status, code)"""


@cache
def declared_codes() -> dict[tuple[str, str, int], frozenset[str]]:
    """The codes the committed OpenAPI document declares, by operation and status."""
    document = json.loads(
        (Path(__file__).resolve().parents[1] / "openapi" / "openapi.json").read_text()
    )
    return {
        (method, path, int(status)): frozenset(response.get(CODES_EXTENSION, ()))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, response in operation.get("responses", {}).items()
        if status.isdigit()
    }


@cache
def documented_operations() -> frozenset[tuple[str, str]]:
    return frozenset((method, path) for method, path, _status in declared_codes())


def _operation(request: Request) -> tuple[str, str] | None:
    """The documented operation a request reached, or was on its way to (refused by a
    middleware before routing)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        route = next(
            (
                candidate
                for candidate in getattr(request.scope.get("app"), "routes", ())
                if isinstance(candidate, APIRoute)
                and candidate.matches(request.scope)[0] == Match.FULL
            ),
            None,
        )
    if route is None:
        return None
    operation = (request.method.lower(), route.path)
    return operation if operation in documented_operations() else None


@dataclass
class ProblemRecorder:
    observed: Counter[Observation] = field(default_factory=Counter)
    report_to: str | None = None

    def __call__(self, request: Request | None, status: int, code: str) -> None:
        if request is None or status in (500, 501, 502, 504):
            return  # an error of the service, never a documented answer
        operation = _operation(request)
        if operation is None:
            return
        key = (*operation, status, code)
        new = key not in self.observed
        self.observed[key] += 1
        if new:
            self.write_report()  # as it grows, so that an interrupted run leaves it too

    def undeclared(self) -> list[Observation]:
        declared = declared_codes()
        return sorted(
            (method, path, status, code)
            for method, path, status, code in self.observed
            if code not in declared.get((method, path, status), frozenset())
        )

    def write_report(self) -> None:
        """What was observed, as JSON in ``report_to`` (if given), for maintainers."""
        if not self.report_to:
            return
        report: list[dict[str, Any]] = [
            {"method": m, "path": p, "status": s, "code": c, "count": n}
            for (m, p, s, c), n in sorted(self.observed.items())
        ]
        with open(self.report_to, "w") as out:
            json.dump(report, out, indent=1)


RECORDER = ProblemRecorder(report_to=os.environ.get("MENTOR_PROBLEM_CODES_REPORT"))
