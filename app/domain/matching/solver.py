"""The globally optimal assignment of mentees to mentors' capacity.

Maximises the total score over all pairs, with each mentor taking at most their capacity
and each mentee at most one mentor, never using an ineligible pair or one scoring below the
program's minimum; people who cannot be paired well stay unmatched, with a reason.

Two exact solvers of that problem:

- ``assign_sparse``, what a matching run uses: a min-cost flow (OR-Tools'
  ``SimpleMinCostFlow``) over a candidate graph's edges (graph.py): source -> each mentee
  (capacity 1) -> each mentor the graph links them to (cost: minus the score, in hundredths,
  so integers and exact) -> sink (the mentor's capacity), plus a source -> sink arc of cost
  0 that lets anyone stay unmatched. Memory and time grow with the edges, not with
  mentees x mentors.
- ``assign``, on a dense score matrix: scipy's ``linear_sum_assignment`` on a mentees x
  capacity-slots matrix, each mentor contributing one column per unit of capacity. An entry
  that may not be used costs 0, the same as leaving the mentee unmatched. Kept as the
  reference the sparse solver is measured against (bench/matching.py) and tested with.
"""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from scipy.optimize import linear_sum_assignment

from app.domain.matching.graph import CandidateGraph, Flags, usable
from app.domain.participants.scoring import ScoreMatrix

__all__ = [
    "UNMATCHED_TEXT",
    "Assignment",
    "UnmatchedReason",
    "assign",
    "assign_sparse",
    "greedy",
    "usable",
]


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
    eligible, good = matrix.eligible, usable(matrix, min_score)
    return _with_reasons(
        pairs,
        (np.asarray(eligible.any(axis=1)), np.asarray(good.any(axis=1))),
        (np.asarray(eligible.any(axis=0)), np.asarray(good.any(axis=0))),
        capacity,
    )


def assign_sparse(graph: CandidateGraph, capacities: npt.ArrayLike) -> Assignment:
    """Optimal pairs among the edges of ``graph``; ``capacities[j]`` as in ``assign``."""
    n, m = graph.shape
    capacity = np.asarray(capacities, dtype=np.int64)
    pairs: list[tuple[int, int, float]] = []
    if graph.edges:
        source, sink = n + m, n + m + 1
        flow = SimpleMinCostFlow()
        edges = graph.edges
        tails = np.concatenate([np.full(n, source), graph.mentees, n + np.arange(m), [source]])
        heads = np.concatenate([np.arange(n), n + graph.mentors, np.full(m, sink), [sink]])
        capacities_ = np.concatenate([np.ones(n + edges), np.maximum(capacity, 0), [n]])
        costs = np.concatenate([np.zeros(n), -np.round(graph.scores * 100), np.zeros(m + 1)])
        flow.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32),
            heads.astype(np.int32),
            capacities_.astype(np.int64),
            costs.astype(np.int64),
        )
        supplies = np.zeros(n + m + 2, dtype=np.int64)
        supplies[source], supplies[sink] = n, -n
        flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
        status = flow.solve()
        if status != SimpleMinCostFlow.OPTIMAL:
            raise RuntimeError(f"the min-cost flow ended with {status.name}")
        used = np.asarray(flow.flows(np.arange(n, n + edges, dtype=np.int32))) > 0
        pairs = [
            (int(i), int(j), float(score))
            for i, j, score in zip(
                graph.mentees[used], graph.mentors[used], graph.scores[used], strict=True
            )
        ]
    return _with_reasons(
        pairs,
        (graph.mentee_eligible, graph.mentee_usable),
        (graph.mentor_eligible, graph.mentor_usable),
        capacity,
    )


def _with_reasons(
    pairs: list[tuple[int, int, float]],
    mentees: tuple[Flags, Flags],
    mentors: tuple[Flags, Flags],
    capacity: npt.NDArray[np.int64] | npt.NDArray[np.int_],
) -> Assignment:
    """The pairs, and why each person left out is: (has an eligible partner, has one at or
    above the minimum) per mentee and per mentor. Full mentors are not listed."""
    return Assignment(
        pairs=pairs,
        unmatched_mentees=_unmatched(*mentees, {i for i, _, _ in pairs}),
        unmatched_mentors=_unmatched(*mentors, {j for _, j, _ in pairs}, skip=capacity <= 0),
    )


def _unmatched(
    eligible: Flags, good_enough: Flags, matched: set[int], skip: Flags | None = None
) -> dict[int, UnmatchedReason]:
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
