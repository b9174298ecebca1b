"""Cursors: opaque, round-trip, and refused clearly when forged or damaged."""

import uuid
from datetime import date

import pytest

from app.domain.errors import Malformed, ValidationFailed
from app.domain.impact.models import IndicatorMeasurement
from app.domain.pagination import _coerce, check_limit, decode_cursor, encode_cursor


def test_round_trip() -> None:
    ident = uuid.uuid4()
    cursor = encode_cursor([ident, 3, "x"])
    assert "=" not in cursor
    assert decode_cursor(cursor, 3) == [str(ident), 3, "x"]


@pytest.mark.parametrize("cursor", ["", "!!!", "bm90IGpzb24", "eyJhIjogMX0", "WzEsMl0"])
def test_damaged_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(Malformed) as caught:
        decode_cursor(cursor, 1)
    assert caught.value.code == "invalid_cursor"
    assert caught.value.errors[0]["field"] == "cursor"


@pytest.mark.parametrize("limit", [0, -1, 201])
def test_limits_are_bounded(limit: int) -> None:
    with pytest.raises(ValidationFailed):
        check_limit(limit)
    assert check_limit(None) == 50
    assert check_limit(200) == 200


def test_a_date_key_comes_back_a_date() -> None:
    # PostgreSQL compares a date column with a date, never with the text of one.
    (value,) = decode_cursor(encode_cursor(["2025-02-28"]), 1)
    assert _coerce(IndicatorMeasurement.measured_on, value) == date(2025, 2, 28)
