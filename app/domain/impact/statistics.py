"""The figures of the impact report, pure: values in, figures out.

- Trajectory: an indicator heads from its baseline toward its target; the direction is the
  sign of ``target - baseline`` (``increase`` without a baseline) and the target is reached
  when the latest value is at or beyond it in that direction.
- Learning: each respondent's change between two waves (paired). Mean change with the 95 %
  confidence interval of scipy's paired t-test (``scipy.stats.ttest_rel``), share of
  respondents whose score rose. Nothing is shown below ``MINIMUM_GROUP_SIZE`` respondents.
"""

import math
from dataclasses import dataclass

from scipy import stats

from app.domain.impact.schemas import MINIMUM_GROUP_SIZE


def direction(baseline: float | None, target: float) -> str:
    return "decrease" if baseline is not None and target < baseline else "increase"


def reached(value: float | None, baseline: float | None, target: float) -> bool | None:
    if value is None:
        return None
    if direction(baseline, target) == "decrease":
        return value <= target
    return value >= target


def progress(value: float, baseline: float | None, target: float) -> float | None:
    """Share of the way from baseline to target; None without a baseline or a distance."""
    if baseline is None or target == baseline:
        return None
    return round((value - baseline) / (target - baseline), 4)


@dataclass(frozen=True, slots=True)
class PairedSummary:
    respondents: int
    shown: bool
    mean_before: float | None = None
    mean_after: float | None = None
    mean_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    improved: int | None = None
    improved_share: float | None = None


def _round(value: float) -> float:
    return round(float(value), 3)


def paired_change(before: list[int], after: list[int]) -> PairedSummary:
    """Paired comparison of the same people's scores at two waves."""
    n = len(before)
    if len(after) != n:
        raise ValueError("paired samples must have the same length")
    if n < MINIMUM_GROUP_SIZE:
        return PairedSummary(respondents=n, shown=False)
    changes = [b - a for a, b in zip(before, after, strict=True)]
    mean = sum(changes) / n
    if len(set(changes)) == 1:
        # No spread: every interval has zero width and the t statistic is undefined.
        low = high = mean
        p_value = None
    else:
        result = stats.ttest_rel(after, before)
        interval = result.confidence_interval(confidence_level=0.95)
        low, high = float(interval.low), float(interval.high)
        p_value = float(result.pvalue) if not math.isnan(result.pvalue) else None
    improved = sum(1 for change in changes if change > 0)
    return PairedSummary(
        respondents=n,
        shown=True,
        mean_before=_round(sum(before) / n),
        mean_after=_round(sum(after) / n),
        mean_change=_round(mean),
        ci_low=_round(low),
        ci_high=_round(high),
        p_value=round(p_value, 4) if p_value is not None else None,
        improved=improved,
        improved_share=round(improved / n, 3),
    )


def rate(count: int, of: int) -> float | None:
    return round(count / of, 3) if of else None
