"""Every problem the test suite sees is declared: its code is listed, for that operation and
status, in the OpenAPI document (``x-problem-codes``, see README "Conventions").

Runs after every other test (tests/conftest.py), over what they all observed.
"""

from tests.problem_codes import RECORDER, declared_codes


def test_every_observed_problem_code_is_declared() -> None:
    undeclared = RECORDER.undeclared()
    assert not undeclared, "problem codes answered but not declared in `responses=`:\n" + "\n".join(
        f"  {method.upper()} {path} {status} {code}" for method, path, status, code in undeclared
    )


def test_every_error_response_names_its_codes() -> None:
    missing = [key for key, codes in declared_codes().items() if key[2] >= 400 and not codes]
    assert not missing, missing
