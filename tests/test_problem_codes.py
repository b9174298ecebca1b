"""Every problem the test suite sees is declared: its code is listed, for that operation and
status, in the OpenAPI document (``x-problem-codes``; README, "Conventions for a new route").

Runs after every other test (tests/conftest.py), over what they all observed.
"""

import uuid
from collections.abc import Iterator

import pytest

from app.api.problems import problem_observers
from tests.conftest import Tenant, problem
from tests.problem_codes import RECORDER, ProblemRecorder, declared_codes

PAIR = "/api/v1/pairs/{pair_id}"


def test_every_observed_problem_code_is_declared() -> None:
    undeclared = RECORDER.undeclared()
    assert not undeclared, "problem codes answered but not declared in `responses=`:\n" + "\n".join(
        f"  {method.upper()} {path} {status} {code}" for method, path, status, code in undeclared
    )


def test_every_error_response_names_its_codes() -> None:
    missing = [key for key, codes in declared_codes().items() if key[2] >= 400 and not codes]
    assert not missing, missing


@pytest.fixture
def recorder() -> Iterator[ProblemRecorder]:
    own = ProblemRecorder()
    problem_observers.append(own)
    yield own
    problem_observers.remove(own)


async def test_problems_are_recorded_by_operation(
    tenant: Tenant, recorder: ProblemRecorder
) -> None:
    missing = await tenant.client.get(f"/api/v1/pairs/{uuid.uuid4()}", headers=tenant.admin)
    code = problem(missing, 404)["code"]
    await tenant.client.get("/api/v1/no-such-route", headers=tenant.admin)  # no operation
    assert dict(recorder.observed) == {("get", PAIR, 404, code): 1}
    assert code in declared_codes()[("get", PAIR, 404)]


def test_an_undeclared_code_is_reported() -> None:
    recorder = ProblemRecorder()
    recorder.observed[("get", PAIR, 404, "pair_not_found")] += 1
    recorder.observed[("get", PAIR, 404, "never_declared")] += 1
    recorder.observed[("get", PAIR, 409, "pair_not_found")] += 1
    assert recorder.undeclared() == [
        ("get", PAIR, 404, "never_declared"),
        ("get", PAIR, 409, "pair_not_found"),
    ]
