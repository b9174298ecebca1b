"""The documented health rules, figure by figure."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.pairs.schemas import PairHealth
from app.domain.progress.health import HealthFigures, adherence, cadence, health

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def figures(**overrides: object) -> HealthFigures:
    base: dict[str, object] = {
        "active": True,
        "cadence_days": 7,
        "started_at": NOW - timedelta(days=60),
        "last_session_at": NOW - timedelta(days=3),
        "sessions": 8,
        "next_due_on": None,
        "mean_rating": 4.0,
    }
    return HealthFigures(**(base | overrides))  # type: ignore[arg-type]


def test_cadence_prefers_the_agreement_then_the_program() -> None:
    assert cadence(10, 14) == 10
    assert cadence(None, 14) == 14
    assert cadence(None, None) == 14


@pytest.mark.parametrize(
    ("quiet_days", "expected"),
    [
        (3, PairHealth.ON_TRACK),
        (7, PairHealth.ON_TRACK),
        (7.5, PairHealth.NEEDS_ATTENTION),
        (14, PairHealth.NEEDS_ATTENTION),
        (14.5, PairHealth.AT_RISK),
        (90, PairHealth.AT_RISK),
    ],
)
def test_quiet_days_against_the_cadence(quiet_days: float, expected: PairHealth) -> None:
    assert health(figures(last_session_at=NOW - timedelta(days=quiet_days)), NOW) == expected


def test_before_the_first_session_the_start_counts() -> None:
    assert health(figures(last_session_at=None, sessions=0), NOW) == PairHealth.AT_RISK
    recent = figures(last_session_at=None, sessions=0, started_at=NOW - timedelta(days=2))
    assert health(recent, NOW) == PairHealth.ON_TRACK


def test_overdue_actions_and_low_ratings_need_attention() -> None:
    assert health(figures(next_due_on=date(2027, 2, 28)), NOW) == PairHealth.NEEDS_ATTENTION
    assert health(figures(next_due_on=date(2027, 3, 1)), NOW) == PairHealth.ON_TRACK
    assert health(figures(mean_rating=2.9), NOW) == PairHealth.NEEDS_ATTENTION
    assert health(figures(mean_rating=3.0), NOW) == PairHealth.ON_TRACK


def test_only_active_pairs_have_a_health() -> None:
    assert health(figures(active=False, last_session_at=None), NOW) is None


def test_adherence_is_sessions_over_sessions_due_capped() -> None:
    assert adherence(figures(sessions=4, started_at=NOW - timedelta(days=56)), NOW) == 0.5
    assert adherence(figures(sessions=20), NOW) == 1.0
    assert adherence(figures(sessions=0, started_at=NOW - timedelta(days=1)), NOW) == 0.0
    assert adherence(figures(sessions=1, started_at=NOW - timedelta(days=1)), NOW) == 1.0
