"""Small builders for matching candidates."""

import uuid
from typing import Any

from app.domain.participants.scoring import Candidate


def person(**fields: Any) -> Candidate:
    """A candidate with neutral defaults: English, same time zone, either format."""
    employee_id = fields.pop("employee_id", uuid.uuid4())
    defaults: dict[str, Any] = {
        "id": uuid.uuid4(),
        "employee_id": employee_id,
        "languages": frozenset({"en"}),
        "mindset": 4,
        "seniority": 5,
    }
    return Candidate(**(defaults | fields))


def mentor(**fields: Any) -> Candidate:
    return person(**({"seniority": 2, "birth_year": 1998} | fields))


def mentee(**fields: Any) -> Candidate:
    return person(**({"seniority": 12, "birth_year": 1970} | fields))
