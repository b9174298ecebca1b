"""The impact report's figures, pure, on cases computed by hand."""

import pytest

from app.domain.impact import statistics
from app.domain.impact.export import pick_language


def test_direction_and_reached_follow_the_target() -> None:
    assert statistics.direction(20, 80) == "increase"
    assert statistics.direction(30, 10) == "decrease"
    assert statistics.direction(None, 10) == "increase"
    assert statistics.reached(80, 20, 80) is True
    assert statistics.reached(79.9, 20, 80) is False
    assert statistics.reached(10, 30, 10) is True  # down to the target
    assert statistics.reached(11, 30, 10) is False
    assert statistics.reached(None, 30, 10) is None


def test_progress_is_the_share_of_the_way() -> None:
    assert statistics.progress(50, 20, 80) == 0.5
    assert statistics.progress(12, 30, 10) == 0.9
    assert statistics.progress(90, 20, 80) == pytest.approx(1.1667, abs=1e-4)  # beyond
    assert statistics.progress(15, 20, 80) == pytest.approx(-0.0833, abs=1e-4)  # backwards
    assert statistics.progress(50, None, 80) is None
    assert statistics.progress(50, 80, 80) is None


def test_paired_change_by_hand() -> None:
    # Changes 2, 0, 1, 1, 1, 2: mean 7/6, sd 0.752773, se 0.307318, t(0.975; 5) 2.570582,
    # half-width 0.789993: [0.376674, 1.956660]; t = 3.7960, two-sided p = 0.01267.
    summary = statistics.paired_change([2, 3, 2, 4, 3, 1], [4, 3, 3, 5, 4, 3])
    assert summary.shown
    assert summary.respondents == 6
    assert summary.mean_change == 1.167
    assert (summary.ci_low, summary.ci_high) == (0.377, 1.957)
    assert summary.p_value == pytest.approx(0.0127, abs=1e-4)
    assert (summary.improved, summary.improved_share) == (5, 0.833)


def test_a_decline_has_a_negative_interval() -> None:
    # Changes -1, -2, -1, -1, 0: mean -1, sd 0.707107, se 0.316228, half-width 0.877989.
    summary = statistics.paired_change([4, 5, 3, 4, 2], [3, 3, 2, 3, 2])
    assert summary.mean_change == -1.0
    assert (summary.ci_low, summary.ci_high) == (-1.878, -0.122)
    assert (summary.improved, summary.improved_share) == (0, 0.0)


def test_equal_changes_give_an_interval_of_no_width() -> None:
    summary = statistics.paired_change([1, 2, 3, 2, 1], [2, 3, 4, 3, 2])
    assert (summary.mean_change, summary.ci_low, summary.ci_high) == (1.0, 1.0, 1.0)
    assert summary.p_value is None


def test_nothing_is_shown_below_five() -> None:
    summary = statistics.paired_change([1, 2, 3, 4], [5, 5, 5, 5])
    assert summary.respondents == 4
    assert not summary.shown
    assert summary.mean_change is None
    assert summary.ci_low is None
    assert summary.improved_share is None


def test_rates() -> None:
    assert statistics.rate(2, 3) == 0.667
    assert statistics.rate(0, 0) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("en-US,fr;q=0.5", "en"),
        ("de-DE,fr;q=0.3", "fr"),
        ("de", "en"),
        (None, "en"),
        ("fr;q=0.2,en;q=0.9", "en"),
        ("fr;q=oops", "en"),
    ],
)
def test_the_language_of_the_page(header: str | None, expected: str) -> None:
    assert pick_language(header) == expected
