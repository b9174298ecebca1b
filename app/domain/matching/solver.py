"""The globally optimal assignment of mentees to mentors' capacity.

Maximises the total score over all pairs, with each mentor taking at most their capacity
and each mentee at most one mentor, never using an ineligible pair or one scoring below the
program's minimum; people who cannot be paired well stay unmatched, with a reason.

Solved exactly with scipy's ``linear_sum_assignment`` on a mentees x capacity-slots matrix:
each mentor contributes one column per unit of capacity. An entry that may not be used costs
0, the same as leaving the mentee unmatched, so the optimum never prefers a forbidden pair.
"""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from app.domain.participants.scoring import ScoreMatrix


class UnmatchedReason(StrEnum):
    NO_ELIGIBLE_PARTNER = "no_eligible_partner"
    BELOW_MINIMUM_SCORE = "below_minimum_score"
    PARTNERS_TAKEN = "partners_taken"


UNMATCHED_TEXT = {
    ("mentee", UnmatchedReason.NO_ELIGIBLE_PARTNER): "no eligible mentor",
    (
        "mentee",
        UnmatchedReason.BELOW_MINIMUM_SCORE,
    ): "every eligible mentor scores below the minimum",
    ("mentee", UnmatchedReason.PARTNERS_TAKEN): "every eligible mentor is full",
    ("mentor", UnmatchedReason.NO_ELIGIBLE_PARTNER): "no eligible mentee",
    (
        "mentor",
        UnmatchedReason.BELOW_MINIMUM_SCORE,
    ): "every eligible mentee scores below the minimum",
    (
        "mentor",
        UnmatchedReason.PARTNERS_TAKEN,
    ): "every eligible mentee is paired with a better match",
}


@dataclass
class Assignment:
    pairs: list[tuple[int, int, float]]  # (mentee index, mentor index, score)
    unmatched_mentees: dict[int, UnmatchedReason] = field(default_factory=dict)
    unmatched_mentors: dict[int, UnmatchedReason] = field(default_factory=dict)

    @property
    def total_score(self) -> float:
        return float(sum(score for _, _, score in self.pairs))


def usable(matrix: ScoreMatrix, min_score: float) -> npt.NDArray[np.bool_]:
    result: npt.NDArray[np.bool_] = (
        matrix.eligible & (matrix.total >= min_score) & (matrix.total > 0)
    )
    return result


def assign(
    matrix: ScoreMatrix, capacities: npt.NDArray[np.int_] | list[int], min_score: float
) -> Assignment:
    """Optimal pairs for ``matrix``; ``capacities[j]`` is what mentor j may still take."""
    capacity = np.asarray(capacities, dtype=int)
    allowed = usable(matrix, min_score) & (capacity > 0)[None, :]
    rows = np.flatnonzero(allowed.any(axis=1))
    mentors = np.flatnonzero(allowed.any(axis=0))
    pairs: list[tuple[int, int, float]] = []
    if rows.size and mentors.size:
        slot_mentor = np.repeat(mentors, np.minimum(capacity[mentors], rows.size))
        sub_allowed = allowed[np.ix_(rows, slot_mentor)]
        cost = np.where(sub_allowed, -matrix.total[np.ix_(rows, slot_mentor)], 0.0)
        chosen_rows, chosen_slots = linear_sum_assignment(cost)
        for r, s in zip(chosen_rows, chosen_slots, strict=True):
            if sub_allowed[r, s]:
                i, j = int(rows[r]), int(slot_mentor[s])
                pairs.append((i, j, float(matrix.total[i, j])))
    pairs.sort()
    return Assignment(
        pairs=pairs,
        unmatched_mentees=_unmatched(matrix, {i for i, _, _ in pairs}, min_score, axis=1),
        unmatched_mentors=_unmatched(
            matrix, {j for _, j, _ in pairs}, min_score, axis=0, skip=capacity <= 0
        ),
    )


def _unmatched(
    matrix: ScoreMatrix,
    matched: set[int],
    min_score: float,
    axis: int,
    skip: npt.NDArray[np.bool_] | None = None,
) -> dict[int, UnmatchedReason]:
    eligible: npt.NDArray[np.bool_] = np.asarray(matrix.eligible.any(axis=axis))
    good_enough: npt.NDArray[np.bool_] = np.asarray(usable(matrix, min_score).any(axis=axis))
    reasons: dict[int, UnmatchedReason] = {}
    for index in range(eligible.size):
        if index in matched or (skip is not None and skip[index]):
            continue
        if not eligible[index]:
            reasons[index] = UnmatchedReason.NO_ELIGIBLE_PARTNER
        elif not good_enough[index]:
            reasons[index] = UnmatchedReason.BELOW_MINIMUM_SCORE
        else:
            reasons[index] = UnmatchedReason.PARTNERS_TAKEN
    return reasons


def greedy(matrix: ScoreMatrix, capacities: list[int], min_score: float) -> Assignment:
    """Best pair first, for comparison only: what the optimal solver is measured against."""
    capacity = list(capacities)
    allowed = usable(matrix, min_score)
    order = np.argsort(-np.where(allowed, matrix.total, -np.inf), axis=None, kind="stable")
    taken: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    m = matrix.total.shape[1]
    for flat in order:
        i, j = divmod(int(flat), m)
        if not allowed[i, j]:
            break
        if i in taken or capacity[j] <= 0:
            continue
        taken.add(i)
        capacity[j] -= 1
        pairs.append((i, j, float(matrix.total[i, j])))
    return Assignment(pairs=sorted(pairs))
